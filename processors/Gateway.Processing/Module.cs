// Hot paths decode into stack buffers of up to a few KB; zeroing them first would cost more than the work itself.
// Every stackalloc in this assembly is written before it is read.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
