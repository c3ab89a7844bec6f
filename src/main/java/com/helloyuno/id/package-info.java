/** The shapes of the contract's ids (site, visitor session), shared by every feature. */
@NullMarked
package com.helloyuno.id;

import org.jspecify.annotations.NullMarked;
