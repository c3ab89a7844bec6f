package com.helloyuno.chat;

/**
 * The model's reading of one turn, as structured output (see {@code prompts/classify.txt}). Every
 * field is required by the strict JSON schema; "none" is an empty string.
 */
record TurnClassification(
        String lang,
        String intent,
        String userSentiment,
        double answerConfidence,
        boolean complianceRedFlag,
        String leadName,
        String leadIntent) {}
