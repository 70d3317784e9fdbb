using Gateway.Lambda;
using Gateway.Lambda.Internal;

// Lambda starts this file as the custom runtime's `bootstrap`; _HANDLER picks the handler.
return await LambdaBootstrap.RunAsync(
    BuiltInHandlers.CreateRegistry(),
    new ProcessEnvironmentVariables(),
    TimeProvider.System,
    Console.Out,
    CancellationToken.None).ConfigureAwait(false);
