namespace Gateway.Processing.UserAgents;

/// <summary>What uap-core's regexes say about one user-agent string.</summary>
public sealed record UserAgentInfo(BrowserInfo Browser, OperatingSystemInfo OperatingSystem, DeviceInfo Device);

/// <summary>Browser (user agent) family and version parts; family is "Other" when no rule matched.</summary>
public sealed record BrowserInfo(string Family, string? Major, string? Minor, string? Patch, string? PatchMinor);

/// <summary>Operating-system family and version parts; family is "Other" when no rule matched.</summary>
public sealed record OperatingSystemInfo(string Family, string? Major, string? Minor, string? Patch, string? PatchMinor);

/// <summary>Device family, brand and model; family is "Other" and the rest null when no rule matched.</summary>
public sealed record DeviceInfo(string Family, string? Brand, string? Model);
