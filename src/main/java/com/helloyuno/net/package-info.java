/**
 * Outbound connections to addresses that visitors or owners chose (the crawler's pages, the
 * owners' webhooks): which addresses such a connection may go to, checked when it connects.
 * Depends on no feature.
 */
@Room(entryPoints = {AddressGuard.class, AddressRefused.class})
@NullMarked
package com.helloyuno.net;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
