package com.helloyuno.net;

import java.net.UnknownHostException;

/**
 * A host resolved to an address that an outbound connection may not reach. An {@link
 * UnknownHostException}, so that an HTTP client's name lookup can throw it, and its caller can
 * still tell it from a name that does not resolve.
 */
public final class AddressRefused extends UnknownHostException {

    public AddressRefused(String message) {
        super(message);
    }
}
