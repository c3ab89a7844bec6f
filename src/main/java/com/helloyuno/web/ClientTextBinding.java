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
        // The Java name of the argument; the contract's names are snake_case ({site_id}, page).
        var field =
                binder.getObjectName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        binder.registerCustomEditor(String.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                ClientText.check(field, text);
                setValue(text);
            }
        });
    }
}
