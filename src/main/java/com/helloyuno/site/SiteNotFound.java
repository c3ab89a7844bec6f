package com.helloyuno.site;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** No such site, or one the caller may not see: the two answer alike, so existence is not revealed. */
public final class SiteNotFound extends ApiException {

    public SiteNotFound() {
        super(HttpStatus.NOT_FOUND, "site_not_found", "No such site.");
    }
}
