package com.helloyuno.chat;

import com.helloyuno.problem.ApiException;
import org.springframework.http.HttpStatus;

/** No messages of that session on this site. */
final class ConversationNotFound extends ApiException {

    ConversationNotFound() {
        super(HttpStatus.NOT_FOUND, "conversation_not_found", "No conversation with that session id.");
    }
}
