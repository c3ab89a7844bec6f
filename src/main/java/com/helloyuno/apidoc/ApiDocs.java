package com.helloyuno.apidoc;

/** Names the controllers' annotations share with the description. */
public final class ApiDocs {

    /** The operator key ({@code YUNO_ADMIN_API_KEY}): every site, and the operator-only operations. */
    public static final String OPERATOR_KEY = "operatorKey";

    /** A site's owner key ({@code ysk_...}): that site alone. */
    public static final String OWNER_KEY = "ownerKey";

    /** The token {@code POST /widget/authenticate} gives a widget. */
    public static final String WIDGET_TOKEN = "widgetToken";

    private ApiDocs() {}
}
