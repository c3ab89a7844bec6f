package com.helloyuno.platform;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Names for the background workers that claim shared rows (crawl jobs, outbox deliveries). */
public final class Workers {

    private Workers() {}

    /**
     * A name for one worker of this process that no other worker shares, for the rows it claims:
     * host and process id, so that an operator sees whose claim it is, and a random part, so that
     * a restarted process (same host, same pid in a container) never takes its predecessor's.
     */
    public static String newOwner() {
        return instance() + "/" + UUID.randomUUID();
    }

    private static String instance() {
        var pid = ManagementFactory.getRuntimeMXBean().getPid();
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + pid;
        } catch (UnknownHostException e) {
            return "instance:" + pid;
        }
    }
}
