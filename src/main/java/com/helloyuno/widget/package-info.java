/**
 * Widget authentication: domain-bound tokens for visitors' browsers ({@code /widget/*}), nonces,
 * and the settings of the tokens.
 */
@NullMarked
package com.helloyuno.widget;

import org.jspecify.annotations.NullMarked;
