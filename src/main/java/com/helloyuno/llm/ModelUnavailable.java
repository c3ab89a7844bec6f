package com.helloyuno.llm;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The model provider could not answer: offline, refusing, or failing after retries. */
public final class ModelUnavailable extends ApiException {

    public ModelUnavailable(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable", detail);
    }
}
