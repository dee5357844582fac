/**
 * Weft's core: the event loop, its clock, futures, transports, streams and green threads,
 * and (underneath, not exported) the pollers that wait on the kernel.
 */
module io.weft.core {
    // com.sun.nio.file.ExtendedOpenOption.DIRECT, for O_DIRECT files
    requires jdk.unsupported;

    exports io.weft.loop;
    exports io.weft.time;
    exports io.weft.future;
    exports io.weft.net;
    exports io.weft.stream;
    exports io.weft.green;
    exports io.weft.file;
    // The driver layer is internal; the test kit lists the backends that work here.
    exports io.weft.internal.io to io.weft.testkit;
    // The simulation (weft-testkit's io.weft.testkit.sim) hosts loops and makes driver tasks.
    exports io.weft.internal.loop to io.weft.testkit;
    exports io.weft.internal.dispatch to io.weft.testkit;
    // ... and gives a simulated host's loops its in-memory file system (IoDriver.fileIo()).
    exports io.weft.internal.file to io.weft.testkit;
}
