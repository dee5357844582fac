import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.lang.management.ManagementFactory;

/**
 * What io.weft.internal.offload.FirstUse costs a program that never touches a file: the CPU time
 * of its thread (weft-first-use, sampled every millisecond while it lives, so up to a millisecond
 * short), the process's CPU time from the loop's opening to a second after that thread ended (all threads, the JIT's too), and
 * the offload threads alive then. Run by run-first-use.sh as a source file against weft.jar,
 * with and without -Dweft.firstUse=false.
 */
public class FirstUseCost {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        long before = os.getProcessCpuTime();
        long firstUse = 0;
        try (EventLoop loop = EventLoop.create(LoopConfig.builder().poller(PollerKind.parse(args[0])).build())) {
            Thread t = Thread.getAllStackTraces().keySet().stream()
                    .filter(x -> x.getName().equals("weft-first-use")).findFirst().orElse(null);
            while (t != null && t.isAlive()) {
                long c = threads.getThreadCpuTime(t.threadId());
                firstUse = Math.max(firstUse, c);
                Thread.sleep(1);
            }
            var idle = loop.newPromise();
            loop.callLater(java.time.Duration.ofSeconds(1), () -> idle.complete(null));
            loop.runUntilComplete(idle);
        }
        long pool = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("weft-offload-")).count();
        System.out.printf("first-use-thread %.1f ms cpu, process %.1f ms cpu, offload threads alive %d%n",
                firstUse / 1e6, (os.getProcessCpuTime() - before) / 1e6, pool);
    }
}
