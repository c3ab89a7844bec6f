package com.helloyuno.problem;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request field failed a check that Bean Validation cannot express (a domain that is not a
 * host name, say). The problem names the field, in the same shape as validation errors.
 */
public class InvalidRequest extends ApiException {

    private final String field;

    public InvalidRequest(String field, String message) {
        super(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid value for " + field + ": " + message + ".");
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public Map<String, Object> properties() {
        return Map.of("errors", List.of(Map.of("field", field, "message", messageOnly())));
    }

    private String messageOnly() {
        var detail = getMessage();
        var start = ("Invalid value for " + field + ": ").length();
        return detail.substring(start, detail.length() - 1);
    }
}
