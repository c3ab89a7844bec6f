package com.helloyuno.problem;

import org.springframework.http.HttpStatus;

/** The caller is known but may not do this. */
public class Forbidden extends ApiException {

    public Forbidden(String detail) {
        super(HttpStatus.FORBIDDEN, "forbidden", detail);
    }
}
