using System.Collections.Frozen;

namespace Gateway.Catalog;

/// <summary>Words Athena reserves, so an identifier spelled like one needs quoting.</summary>
/// <remarks>
/// Lists from the Athena user guide, "Reserved keywords" (reserved-words.md): the DDL list (Hive grammar; quote with
/// backticks in CREATE/ALTER TABLE, not needed through the Glue API) and the SELECT list (quote with double quotes),
/// the latter joined with Trino's reserved-keyword table (docs/src/main/sphinx/language/reserved.rst) because engine v3
/// is Trino-based. "CASHE" is in the DDL list as published.
/// </remarks>
public static class AthenaKeywords
{
    private static readonly FrozenSet<string> Ddl = Words(
        """
        ALL ALTER AND ARRAY AS AUTHORIZATION BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CASHE CAST CHAR COLUMN CONF
        CONSTRAINT COMMIT CREATE CROSS CUBE CURRENT CURRENT_DATE CURRENT_TIMESTAMP CURSOR DATABASE DATE DAYOFWEEK DECIMAL
        DELETE DESCRIBE DISTINCT DIV DOUBLE DROP ELSE END EXCHANGE EXISTS EXTENDED EXTERNAL EXTRACT FALSE FETCH FLOAT FLOOR
        FOLLOWING FOR FOREIGN FROM FULL FUNCTION GRANT GROUP GROUPING HAVING IF IMPORT IN INNER INSERT INT INTEGER
        INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LESS LIKE LOCAL MACRO MAP MORE NONE NOT NULL NUMERIC OF ON ONLY OR
        ORDER OUT OUTER OVER PARTIALSCAN PARTITION PERCENT PRECEDING PRECISION PRESERVE PRIMARY PROCEDURE RANGE READS
        REDUCE REGEXP REFERENCES REVOKE RIGHT RLIKE ROLLBACK ROLLUP ROW ROWS SELECT SET SMALLINT START TABLE TABLESAMPLE
        THEN TIME TIMESTAMP TO TRANSFORM TRIGGER TRUE TRUNCATE UNBOUNDED UNION UNIQUEJOIN UPDATE USER USING UTC_TIMESTAMP
        VALUES VARCHAR VIEWS WHEN WHERE WINDOW WITH
        """);

    private static readonly FrozenSet<string> Select = Words(
        """
        ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG CURRENT_DATE CURRENT_PATH
        CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DEFINE DELETE DESCRIBE DISTINCT
        DROP ELSE EMPTY END ESCAPE EXCEPT EXECUTE EXISTS EXTRACT FALSE FETCH FIRST FOR FROM FULL GROUP GROUPING GROUPS
        HAVING IN INITIAL INNER INSERT INTERSECT INTO IS JOIN LAST LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP MATCH
        MATCHES MATCH_RECOGNIZE NATURAL NORMALIZE NOT NULL OFFSET OMIT ON ONE OR ORDER OUTER PATTERN PER PREPARE
        RECURSIVE RIGHT ROLLUP RUNNING SEEK SELECT SKIP SUBSET TABLE THEN TRUE UESCAPE UNESCAPE UNION UNNEST USING VALUES
        WHEN WHERE WITH
        """);

    /// <summary>Whether <paramref name="identifier"/> must be backticked in Athena DDL (CREATE/ALTER TABLE).</summary>
    public static bool IsReservedInDdl(string identifier) => Ddl.Contains(identifier);

    /// <summary>Whether <paramref name="identifier"/> must be double-quoted in Athena SELECT statements and views.</summary>
    public static bool IsReservedInSelect(string identifier) => Select.Contains(identifier);

    private static FrozenSet<string> Words(string list) =>
        list.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
