// CPU time over a benchmark run, from /proc; see ChatBench.java.

import module java.base;

/**
 * CPU time of the measured service (Yuno's process, or the seed reference's gunicorn master with
 * its workers), the fake, this process and the whole machine over a run.
 */
record Cpu(
        LoadGenerator load,
        List<Long> servicePids,
        long service,
        long compiler,
        long fake,
        long self,
        long busy,
        long wallNanos) {
    static Cpu start(LoadGenerator load) {
        return start(load, load.servicePid);
    }

    static Cpu start(LoadGenerator load, long servicePid) {
        var pids = tree(servicePid);
        return new Cpu(
                load,
                pids,
                ticks(pids),
                compilerTicks(pids),
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

    /**
     * @param compiler the part of {@code service} spent by the JVM's JIT compiler threads: a
     *     service still compiling its hot path is not yet at its steady cost per request
     */
    record Usage(double service, double compiler, double fake, double self, double rest) {
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
        var c = (compilerTicks(servicePids) - compiler) / t / seconds;
        return new Usage(s, Math.max(0, c), f, me, Math.max(0, all - s - f - me));
    }

    /**
     * CPU ticks of the JIT compiler threads ("C1 CompilerThread0", "C2 CompilerThread1"...) of
     * the processes. HotSpot stops idle compiler threads beyond the first of each kind, taking
     * their ticks with them, so this can undercount; it never overcounts.
     */
    static long compilerTicks(List<Long> pids) {
        long sum = 0;
        for (var pid : pids) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (var task : tasks.toList()) {
                    try {
                        var stat = Files.readString(task.resolve("stat"));
                        var name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        if (name.contains("CompilerThre")) {
                            sum += statTicks(stat);
                        }
                    } catch (IOException e) {
                        // The thread ended in between.
                    }
                }
            } catch (IOException e) {
                // Gone, or not Linux.
            }
        }
        return sum;
    }

    static long ticks(long pid) {
        try {
            return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException e) {
            return 0;
        }
    }

    /** User and system ticks from a process's or thread's {@code stat} line (after its name). */
    static long statTicks(String stat) {
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
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
