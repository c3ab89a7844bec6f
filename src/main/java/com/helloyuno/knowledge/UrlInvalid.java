package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The URL is not an absolute URL. */
final class UrlInvalid extends ApiException {

    UrlInvalid(String detail) {
        super(HttpStatus.BAD_REQUEST, "invalid_request", detail);
    }
}
