/** The shapes of the contract's ids (site, visitor session), shared by every feature. */
@Room(entryPoints = {Ids.class})
@NullMarked
package com.helloyuno.id;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
