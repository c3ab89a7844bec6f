package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The document is of a type the knowledge base cannot read. */
final class ContentTypeUnsupported extends ApiException {

    ContentTypeUnsupported(String detail) {
        super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", detail);
    }
}
