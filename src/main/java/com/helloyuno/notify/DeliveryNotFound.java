package com.helloyuno.notify;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** No delivery with this id for this site. */
final class DeliveryNotFound extends ApiException {

    DeliveryNotFound() {
        super(HttpStatus.NOT_FOUND, "delivery_not_found", "No delivery with this id for this site.");
    }
}
