package com.helloyuno.lead;

import java.util.UUID;

/**
 * The session's lead after a conversation turn.
 *
 * @param leadId the row of the session's lead
 * @param changed whether this turn created the lead or added to it (the {@code lead_captured} of
 *     {@code /ask})
 */
public record CapturedLead(UUID leadId, boolean changed) {}
