package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The URL's host is not one of the site's domains. */
final class UrlOutsideSite extends ApiException {

    UrlOutsideSite(String detail) {
        super(HttpStatus.BAD_REQUEST, "url_outside_site", detail);
    }
}
