// Just enough JSON for the chat benchmark; see ChatBench.java.

import module java.base;

final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        var parser = new Json(text);
        var value = parser.value();
        parser.space();
        if (parser.i != text.length()) {
            throw new IllegalArgumentException("trailing characters at " + parser.i);
        }
        return value;
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private Object value() {
        space();
        var c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                var map = new LinkedHashMap<String, Object>();
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    space();
                    var name = string();
                    space();
                    expect(':');
                    map.put(name, value());
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return map;
                    }
                }
            }
            case '[' -> {
                i++;
                var list = new ArrayList<Object>();
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return list;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", i)) {
                    i += 4;
                    return true;
                }
                if (s.startsWith("false", i)) {
                    i += 5;
                    return false;
                }
                if (s.startsWith("null", i)) {
                    i += 4;
                    return null;
                }
                var start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                var number = s.substring(start, i);
                if (number.isEmpty()) {
                    throw new IllegalArgumentException("unexpected '" + c + "' at " + start);
                }
                return number.matches("-?\\d+") && number.length() < 18
                        ? (Object) Long.parseLong(number)
                        : (Object) Double.parseDouble(number);
            }
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i);
        }
        i++;
    }

    private String string() {
        expect('"');
        var out = new StringBuilder();
        while (true) {
            var c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            var e = s.charAt(i++);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
    }

    static String write(Object value) {
        return switch (value) {
            case null -> "null";
            case String text -> quote(text);
            case Boolean b -> b.toString();
            case Double d -> d.isNaN() || d.isInfinite() ? "null" : d.toString();
            case Number n -> n.toString();
            case Map<?, ?> map ->
                map.entrySet().stream()
                        .map(e -> quote(String.valueOf(e.getKey())) + ":" + write(e.getValue()))
                        .collect(Collectors.joining(",", "{", "}"));
            case Collection<?> list -> list.stream().map(Json::write).collect(Collectors.joining(",", "[", "]"));
            default -> quote(value.toString());
        };
    }

    static String quote(String text) {
        var out = new StringBuilder("\"");
        for (var c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
