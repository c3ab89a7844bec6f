/**
 * Fitting the platforms Yuno is deployed on: the settings they hand out in their own forms (a
 * {@code postgres://user:password@host/db} URL) read as the application needs them, Redis over TLS
 * with a provider's self-signed certificate when told so, the name a worker of this process gives
 * the rows it claims, the slots that share the connection pool out between kinds of work, when a
 * request arrived, and digests as cache keys.
 */
@Room(entryPoints = {Workers.class, Slots.class, RequestArrival.class, DigestKey.class})
@NullMarked
package com.helloyuno.platform;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
