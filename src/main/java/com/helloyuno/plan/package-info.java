/**
 * Subscription plans and their request limits: the plan table, as typed settings with the
 * contract's defaults. Sites carry a plan; the rate limiter enforces its limits.
 */
@NullMarked
package com.helloyuno.plan;

import org.jspecify.annotations.NullMarked;
