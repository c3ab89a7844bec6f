package com.helloyuno.notify;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** A redelivery was asked for while an attempt at that delivery is in flight. */
final class DeliveryInProgress extends ApiException {

    DeliveryInProgress() {
        super(
                HttpStatus.CONFLICT,
                "delivery_in_progress",
                "This delivery is being attempted right now; ask again once the attempt is recorded.");
    }
}
