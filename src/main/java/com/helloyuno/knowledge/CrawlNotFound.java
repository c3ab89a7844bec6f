package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** No such crawl job in this site. */
final class CrawlNotFound extends ApiException {

    CrawlNotFound(String detail) {
        super(HttpStatus.NOT_FOUND, "crawl_not_found", detail);
    }
}
