// CPU time over a benchmark run, from /proc; see ChatBench.java.

import module java.base;

/** CPU time of the service, the fake, this process and the whole machine over a run. */
record Cpu(LoadGenerator load, long service, long fake, long self, long busy, long wallNanos) {
    static Cpu start(LoadGenerator load) {
        return new Cpu(
                load,
                ticks(load.servicePid),
                ticks(load.fakePid),
                ticks(load.selfPid),
                machineBusy(),
                System.nanoTime());
    }

    record Usage(double service, double fake, double self, double rest) {
        String text() {
            return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", service, fake, self, rest);
        }
    }

    Usage stop() {
        var seconds = (System.nanoTime() - wallNanos) / 1e9;
        var t = load.clockTicks;
        var s = (ticks(load.servicePid) - service) / t / seconds;
        var f = (ticks(load.fakePid) - fake) / t / seconds;
        var me = (ticks(load.selfPid) - self) / t / seconds;
        var all = (machineBusy() - busy) / t / seconds;
        return new Usage(s, f, me, Math.max(0, all - s - f - me));
    }

    static long ticks(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    static long machineBusy() {
        try {
            var fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                if (i != 4 && i != 5 && i != 8) { // idle, iowait, steal
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException e) {
            return 0;
        }
    }
}
