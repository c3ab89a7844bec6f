package com.helloyuno.lead;

import com.helloyuno.problem.ApiException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A form lead that could be neither written nor kept for later (the spool is full or its folder
 * cannot be written): the only case where the visitor is asked to try again.
 */
class LeadNotKept extends ApiException {

    LeadNotKept() {
        super(
                HttpStatus.SERVICE_UNAVAILABLE,
                "service_unavailable",
                "Your details could not be saved just now. Please try again in a minute.");
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "60");
    }
}
