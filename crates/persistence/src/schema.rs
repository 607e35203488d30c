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

diesel::table! {
    categories (id) {
        id -> Text,
        kind -> Text,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    listings (id) {
        id -> Text,
        kind -> Text,
        vendor_id -> Text,
        category_id -> Text,
        title -> Text,
        description -> Text,
        address -> Nullable<Text>,
        city -> Text,
        region -> Nullable<Text>,
        country -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        timezone -> Text,
        currency -> Text,
        price -> BigInt,
        lead_time_minutes -> BigInt,
        cancellation_policy -> Text,
        is_active -> Bool,
        attributes -> Text,
        search_text -> Text,
        location_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        vendor_active -> Bool,
    }
}

diesel::table! {
    equipment_terms (listing_id) {
        listing_id -> Text,
        vendor_id -> Text,
        item_code -> Nullable<Text>,
        pricing_unit -> Text,
        daily_cap -> Nullable<BigInt>,
        weekly_price -> Nullable<BigInt>,
        quantity -> BigInt,
        min_duration_minutes -> Nullable<BigInt>,
        max_duration_minutes -> Nullable<BigInt>,
        buffer_minutes -> BigInt,
        max_advance_days -> BigInt,
    }
}

diesel::table! {
    adventure_terms (listing_id) {
        listing_id -> Text,
        meeting_point -> Nullable<Text>,
        duration_minutes -> BigInt,
        capacity -> BigInt,
        min_participants -> BigInt,
    }
}

diesel::table! {
    listing_images (id) {
        id -> Text,
        listing_id -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        width -> BigInt,
        height -> BigInt,
        is_primary -> Bool,
        position -> BigInt,
        alt_text -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(listings -> users (vendor_id));
diesel::joinable!(listings -> categories (category_id));
diesel::joinable!(equipment_terms -> listings (listing_id));
diesel::joinable!(adventure_terms -> listings (listing_id));
diesel::joinable!(listing_images -> listings (listing_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    vendor_profiles,
    customer_profiles,
    refresh_tokens,
    login_failures,
    categories,
    listings,
    equipment_terms,
    adventure_terms,
    listing_images,
    availability_rules,
    blackouts,
    sessions,
    bookings,
    booking_events,
    payments,
    refunds,
    webhook_events,
);

diesel::table! {
    availability_rules (id) {
        id -> Text,
        listing_id -> Text,
        weekday -> BigInt,
        start_time -> Text,
        end_time -> Text,
    }
}

diesel::table! {
    blackouts (id) {
        id -> Text,
        listing_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        units -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        listing_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        capacity -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        listing_id -> Text,
        session_id -> Nullable<Text>,
        customer_id -> Text,
        vendor_id -> Text,
        status -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        occupied_until -> Timestamp,
        quantity -> BigInt,
        total_amount -> BigInt,
        currency -> Text,
        line_items -> Text,
        notes -> Nullable<Text>,
        hold_expires_at -> Timestamp,
        payment_due_at -> Nullable<Timestamp>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    booking_events (id) {
        id -> Text,
        booking_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor -> Text,
        actor_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::joinable!(availability_rules -> listings (listing_id));
diesel::joinable!(blackouts -> listings (listing_id));
diesel::joinable!(sessions -> listings (listing_id));
diesel::joinable!(bookings -> sessions (session_id));
diesel::joinable!(booking_events -> bookings (booking_id));

diesel::table! {
    payments (id) {
        id -> Text,
        booking_id -> Text,
        provider -> Text,
        intent_id -> Text,
        amount -> BigInt,
        currency -> Text,
        status -> Text,
        failure_message -> Nullable<Text>,
        refund_settled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refunds (id) {
        id -> Text,
        payment_id -> Text,
        booking_id -> Text,
        provider_refund_id -> Nullable<Text>,
        amount -> BigInt,
        currency -> Text,
        status -> Text,
        kind -> Text,
        reason -> Text,
        idempotency_key -> Text,
        failure_message -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        event_type -> Text,
        payload -> Text,
        received_at -> Timestamp,
        processed_at -> Timestamp,
        outcome -> Text,
    }
}

diesel::joinable!(payments -> bookings (booking_id));
diesel::joinable!(refunds -> payments (payment_id));
