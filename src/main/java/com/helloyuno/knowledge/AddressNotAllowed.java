package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The URL's host resolves to an address the crawler may not reach: loopback, private, link-local, multicast, unspecified or cloud metadata. */
final class AddressNotAllowed extends ApiException {

    AddressNotAllowed(String detail) {
        super(HttpStatus.BAD_REQUEST, "address_not_allowed", detail);
    }
}
