package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** A crawl request with a value out of range. */
final class CrawlRequestInvalid extends ApiException {

    CrawlRequestInvalid(String detail) {
        super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
    }
}
