package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** No such document in this site. */
final class DocumentNotFound extends ApiException {

    DocumentNotFound(String detail) {
        super(HttpStatus.NOT_FOUND, "document_not_found", detail);
    }
}
