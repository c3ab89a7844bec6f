/** Rules about text that several features share, and that depend on no feature. */
@Room(entryPoints = {ControlCharacters.class})
@NullMarked
package com.helloyuno.text;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
