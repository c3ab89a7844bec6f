package com.helloyuno.web;

import java.beans.PropertyEditorSupport;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * {@link ClientText}'s rule for the strings a controller takes from outside a JSON body: query,
 * form and multipart parameters ({@code title} and {@code url} of an upload), path segments and
 * headers. Spring makes one binder per such argument, named after it, so the 400 names it too.
 */
@ControllerAdvice
class ClientTextBinding {

    @InitBinder
    void checkText(WebDataBinder binder) {
        var field = binder.getObjectName();
        binder.registerCustomEditor(String.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                ClientText.check(field, text);
                setValue(text);
            }
        });
    }
}
