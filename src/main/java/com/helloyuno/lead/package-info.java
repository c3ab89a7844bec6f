/**
 * Leads: contact details that visitors leave, found in their messages ({@link
 * com.helloyuno.lead.LeadExtractor}) or sent through the widget's form ({@link
 * com.helloyuno.lead.LeadService#submitForm}), one row per visitor session, and the owners' view
 * of them under {@code /api/sites/{site_id}/leads} (JSON pages and CSV). Leads are personal
 * data: no email or phone number is ever logged.
 */
@Room(entryPoints = {ChatLead.class, ContactScan.class, LeadExtractor.class, LeadService.class})
@NullMarked
package com.helloyuno.lead;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
