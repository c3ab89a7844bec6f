package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** Only http and https URLs are fetched; file:, ftp:, data: and others are refused. */
final class UrlSchemeNotAllowed extends ApiException {

    UrlSchemeNotAllowed(String detail) {
        super(HttpStatus.BAD_REQUEST, "url_scheme_not_allowed", detail);
    }
}
