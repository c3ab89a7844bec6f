/**
 * Subscription plans and their request limits: the plan table, as typed settings with the
 * contract's defaults. Sites carry a plan; the rate limiter enforces its limits.
 */
@Room(entryPoints = {PlanLimits.class, PlanSettings.class, PlanType.class})
@NullMarked
package com.helloyuno.plan;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
