namespace Gateway.Lambda;

/// <summary>The process environment, behind a seam so the runtime loop and handler factories run in unit tests.</summary>
public interface IEnvironmentVariables
{
    /// <summary>The variable's value, or null when it is not set.</summary>
    string? Get(string name);

    /// <summary>Sets the variable, or removes it when <paramref name="value"/> is null.</summary>
    void Set(string name, string? value);
}
