package com.helloyuno.chat;

import java.util.List;

/** Where an answer goes as it is made: a server-sent-event stream, or nowhere until it is whole. */
interface AnswerSink {

    void meta(String sessionId, String messageId);

    void token(String text);

    void sources(List<AskAnswer.Source> sources);

    void done(boolean leadCaptured, AskAnswer.UsageBody usage);

    /** An answer that is built whole: the JSON path. */
    AnswerSink NONE = new AnswerSink() {
        @Override
        public void meta(String sessionId, String messageId) {}

        @Override
        public void token(String text) {}

        @Override
        public void sources(List<AskAnswer.Source> sources) {}

        @Override
        public void done(boolean leadCaptured, AskAnswer.UsageBody usage) {}
    };
}
