/**
 * Widget authentication: domain-bound tokens for visitors' browsers ({@code /widget/*}), nonces,
 * and the settings of the tokens.
 */
@Room(entryPoints = {WidgetAuthentication.class, WidgetCaller.class, WidgetCors.class})
@NullMarked
package com.helloyuno.widget;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
