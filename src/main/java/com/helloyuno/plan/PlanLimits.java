package com.helloyuno.plan;

import jakarta.validation.constraints.Positive;

/** Requests to {@code /ask} that one site may make per calendar window. */
public record PlanLimits(
        @Positive long minute,
        @Positive long hour,
        @Positive long day,
        @Positive long month) {}
