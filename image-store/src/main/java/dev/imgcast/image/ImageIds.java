package dev.imgcast.image;

import java.util.regex.Pattern;

/** Image ids: safe as file names, in URLs and in logs. */
public final class ImageIds {
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ImageIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String check(String id) {
        if (!valid(id)) {
            throw new ImageStoreException(ImageStoreException.Kind.INVALID, "invalid image id '" + id
                    + "': 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }
}
