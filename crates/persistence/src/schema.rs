//! The diesel schema, shared by both backends (only types both support).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        full_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        is_active -> Bool,
        token_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vendor_profiles (user_id) {
        user_id -> Text,
        business_name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        website -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        timezone -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_profiles (user_id) {
        user_id -> Text,
        display_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        emergency_contact -> Nullable<Text>,
        driver_license_number -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        failed_at -> Timestamp,
    }
}

diesel::joinable!(vendor_profiles -> users (user_id));
diesel::joinable!(customer_profiles -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    vendor_profiles,
    customer_profiles,
    refresh_tokens,
    login_failures,
);
