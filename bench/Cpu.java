// CPU time over a benchmark run, from /proc; see ChatBench.java.

import module java.base;

/**
 * CPU time of the measured service (Yuno's process, or the seed reference's gunicorn master with
 * its workers), the fake, this process and the whole machine over a run.
 */
record Cpu(LoadGenerator load, List<Long> servicePids, long service, long fake, long self, long busy, long wallNanos) {
    static Cpu start(LoadGenerator load) {
        return start(load, load.servicePid);
    }

    static Cpu start(LoadGenerator load, long servicePid) {
        var pids = tree(servicePid);
        return new Cpu(
                load,
                pids,
                ticks(pids),
                ticks(load.fakePid),
                ticks(load.selfPid),
                machineBusy(),
                System.nanoTime());
    }

    /** A process and its descendants (gunicorn's workers are children of its master). */
    static List<Long> tree(long pid) {
        var pids = new ArrayList<Long>();
        pids.add(pid);
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : tasks.toList()) {
                var children = Files.readString(task.resolve("children")).trim();
                if (!children.isEmpty()) {
                    for (var child : children.split("\\s+")) {
                        pids.addAll(tree(Long.parseLong(child)));
                    }
                }
            }
        } catch (IOException e) {
            // Gone, or not Linux: the process alone.
        }
        return pids;
    }

    static long ticks(List<Long> pids) {
        long sum = 0;
        for (var pid : pids) {
            sum += ticks(pid);
        }
        return sum;
    }

    record Usage(double service, double fake, double self, double rest) {
        String text() {
            return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", service, fake, self, rest);
        }
    }

    Usage stop() {
        var seconds = (System.nanoTime() - wallNanos) / 1e9;
        var t = load.clockTicks;
        var s = (ticks(servicePids) - service) / t / seconds;
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
