package com.helloyuno.web;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

/** The request body is larger than the configured limit. */
final class PayloadTooLarge extends ApiException {

    PayloadTooLarge(DataSize limit) {
        super(
                HttpStatus.CONTENT_TOO_LARGE,
                "payload_too_large",
                "The request body is larger than " + limit.toKilobytes() + " KiB.");
    }
}
