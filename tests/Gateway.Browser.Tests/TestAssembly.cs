// Each test starts its own gateway and Chromium: one at a time, so the latency samples are not taken under the other test's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
