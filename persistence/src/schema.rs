// The database schema, identical on SQLite and PostgreSQL (portable column types only).
// Kept by hand in step with migrations/{sqlite,postgres}; persistence/tests/schema.rs checks it
// against a migrated database on each backend (tables, columns, nullability, types, keys).

diesel::table! {
    members (id) {
        id -> Text,
        email -> Text,
        pseudonym -> Text,
        pseudonym_key -> Text,
        password_hash -> Text,
        kind -> Text,
        role -> Text,
        bio -> Nullable<Text>,
        bio_visibility -> Text,
        avatar_url -> Nullable<Text>,
        avatar_visibility -> Text,
        city -> Nullable<Text>,
        region -> Nullable<Text>,
        country -> Nullable<Text>,
        location_visibility -> Text,
        language -> Nullable<Text>,
        language_visibility -> Text,
        conditions_visibility -> Text,
        failed_logins -> Integer,
        login_locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        wall_visibility -> Text,
        receive_announcements -> Bool,
        listed_in_member_lists -> Bool,
        pseudonym_skeleton -> Nullable<Text>,
        suspended_until -> Nullable<Timestamp>,
        email_verified_at -> Nullable<Timestamp>,
        messages_from -> Text,
    }
}

diesel::table! {
    kind_changes (id) {
        id -> Text,
        member_id -> Text,
        from_kind -> Text,
        to_kind -> Text,
        status -> Text,
        requested_at -> Timestamp,
        effective_at -> Timestamp,
        approved_by -> Nullable<Text>,
        applied_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conditions (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        orpha_code -> Nullable<Text>,
        icd10_code -> Nullable<Text>,
        created_at -> Timestamp,
        name_fr -> Nullable<Text>,
        name_en -> Nullable<Text>,
        icd11_code -> Nullable<Text>,
        snomed_code -> Nullable<Text>,
        mesh_code -> Nullable<Text>,
    }
}

diesel::table! {
    member_conditions (member_id, condition_id) {
        member_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> Text,
        author_id -> Text,
        group_id -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        pinned_at -> Nullable<Timestamp>,
        comment_count -> BigInt,
        support_count -> BigInt,
        thanks_count -> BigInt,
        same_here_count -> BigInt,
        hug_count -> BigInt,
        content_warning -> Nullable<Text>,
        hidden_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        post_id -> Text,
        parent_id -> Nullable<Text>,
        depth -> Integer,
        author_id -> Text,
        body -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        support_count -> BigInt,
        thanks_count -> BigInt,
        same_here_count -> BigInt,
        hug_count -> BigInt,
        hidden_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_reactions (post_id, member_id, kind) {
        post_id -> Text,
        member_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comment_reactions (comment_id, member_id, kind) {
        comment_id -> Text,
        member_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blocks (blocker_id, blocked_id) {
        blocker_id -> Text,
        blocked_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follows (follower_id, followed_id) {
        follower_id -> Text,
        followed_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> members (member_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(member_conditions -> members (member_id));
diesel::joinable!(member_conditions -> conditions (condition_id));

diesel::table! {
    discussion_groups (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        condition_id -> Nullable<Text>,
        visibility -> Text,
        audience -> Text,
        member_count -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        members_can_create_events -> Bool,
        sponsor_name -> Nullable<Text>,
        sponsor_kind -> Nullable<Text>,
        sponsor_links -> Nullable<Text>,
    }
}

diesel::table! {
    group_memberships (group_id, member_id) {
        group_id -> Text,
        member_id -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    associations (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        website -> Nullable<Text>,
        region -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        open_membership -> Bool,
        status -> Text,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        webhook_secret -> Text,
        member_count -> BigInt,
        follower_count -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sponsor_name -> Nullable<Text>,
        sponsor_kind -> Nullable<Text>,
        sponsor_links -> Nullable<Text>,
    }
}

diesel::table! {
    association_conditions (association_id, condition_id) {
        association_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    association_memberships (association_id, member_id) {
        association_id -> Text,
        member_id -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        vouched -> Bool,
    }
}

diesel::table! {
    association_follows (association_id, member_id) {
        association_id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    association_groups (group_id) {
        group_id -> Text,
        association_id -> Text,
    }
}

diesel::table! {
    announcements (id) {
        id -> Text,
        association_id -> Text,
        author_id -> Text,
        title -> Text,
        body -> Text,
        body_html -> Text,
        link -> Nullable<Text>,
        for_patients -> Bool,
        for_caregivers -> Bool,
        for_professionals -> Bool,
        region_key -> Nullable<Text>,
        publish_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    announcement_conditions (announcement_id, condition_id) {
        announcement_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        association_id -> Text,
        title -> Text,
        description -> Text,
        goal_cents -> BigInt,
        currency -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        payment_url -> Text,
        raised_cents -> BigInt,
        donation_count -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    donations (id) {
        id -> Text,
        campaign_id -> Text,
        association_id -> Text,
        amount_cents -> BigInt,
        donor_name -> Nullable<Text>,
        source -> Text,
        provider_payment_id -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        received_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (signature) {
        signature -> Text,
        association_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        organizer_id -> Text,
        group_id -> Nullable<Text>,
        association_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        recurrence -> Nullable<Text>,
        recurrence_until -> Nullable<Timestamp>,
        last_ends_at -> Timestamp,
        online_url -> Nullable<Text>,
        address -> Nullable<Text>,
        city -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        capacity -> Nullable<Integer>,
        status -> Text,
        cancelled_at -> Nullable<Timestamp>,
        rescheduled_at -> Nullable<Timestamp>,
        previous_starts_at -> Nullable<Timestamp>,
        sequence -> Integer,
        going_count -> BigInt,
        interested_count -> BigInt,
        waitlist_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sponsor_name -> Nullable<Text>,
        sponsor_kind -> Nullable<Text>,
        sponsor_links -> Nullable<Text>,
    }
}

diesel::table! {
    event_rsvps (event_id, member_id) {
        event_id -> Text,
        member_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_tokens (member_id) {
        member_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    editors (member_id) {
        member_id -> Text,
        association_id -> Nullable<Text>,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    places (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        kind -> Text,
        description -> Text,
        address -> Text,
        city -> Text,
        city_key -> Text,
        postcode -> Nullable<Text>,
        latitude -> Double,
        longitude -> Double,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        opening_hours -> Nullable<Text>,
        audience -> Text,
        association_id -> Nullable<Text>,
        created_by -> Text,
        verified_by -> Nullable<Text>,
        verified_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    place_conditions (place_id, condition_id) {
        place_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    committees (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        association_id -> Nullable<Text>,
        quorum -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        requires_verified_reviewers -> Bool,
    }
}

diesel::table! {
    committee_members (committee_id, member_id) {
        committee_id -> Text,
        member_id -> Text,
        expertise -> Text,
        added_at -> Timestamp,
        declared_interests -> Text,
    }
}

diesel::table! {
    resources (id) {
        id -> Text,
        kind -> Text,
        language -> Text,
        audience -> Text,
        committee_id -> Text,
        author_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sponsor_name -> Nullable<Text>,
        sponsor_kind -> Nullable<Text>,
        sponsor_links -> Nullable<Text>,
    }
}

diesel::table! {
    resource_conditions (resource_id, condition_id) {
        resource_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    resource_versions (id) {
        id -> Text,
        resource_id -> Text,
        number -> Integer,
        status -> Text,
        title -> Text,
        title_key -> Text,
        summary -> Text,
        body -> Text,
        body_html -> Text,
        url -> Nullable<Text>,
        provider -> Nullable<Text>,
        duration_seconds -> Nullable<Integer>,
        book_authors -> Nullable<Text>,
        publisher -> Nullable<Text>,
        year -> Nullable<Integer>,
        isbn -> Nullable<Text>,
        format -> Nullable<Text>,
        tags -> Text,
        sources -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        validated_at -> Nullable<Timestamp>,
        review_due_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    resource_reviews (id) {
        id -> Text,
        version_id -> Text,
        reviewer_id -> Text,
        decision -> Text,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_documents (id) {
        id -> BigInt,
        doc_kind -> Text,
        doc_id -> Text,
        terms -> Text,
    }
}

diesel::joinable!(resource_versions -> resources (resource_id));
diesel::joinable!(committee_members -> committees (committee_id));
diesel::joinable!(group_memberships -> discussion_groups (group_id));
diesel::joinable!(association_groups -> discussion_groups (group_id));
diesel::joinable!(association_memberships -> associations (association_id));
diesel::joinable!(event_rsvps -> events (event_id));
diesel::joinable!(event_rsvps -> members (member_id));
diesel::joinable!(donations -> campaigns (campaign_id));
diesel::joinable!(group_memberships -> members (member_id));
diesel::joinable!(posts -> members (author_id));
diesel::joinable!(posts -> discussion_groups (group_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(comments -> members (author_id));
diesel::joinable!(post_reactions -> posts (post_id));
diesel::joinable!(comment_reactions -> comments (comment_id));

diesel::allow_tables_to_appear_in_same_query!(
    members,
    kind_changes,
    sessions,
    refresh_tokens,
    conditions,
    member_conditions,
    discussion_groups,
    group_memberships,
    posts,
    comments,
    post_reactions,
    comment_reactions,
    blocks,
    follows,
    associations,
    association_conditions,
    association_memberships,
    association_follows,
    association_groups,
    announcements,
    announcement_conditions,
    campaigns,
    donations,
    webhook_deliveries,
    events,
    event_rsvps,
    calendar_tokens,
    editors,
    places,
    place_conditions,
    committees,
    committee_members,
    resources,
    resource_conditions,
    resource_versions,
    resource_reviews,
    search_documents,
);

diesel::table! {
    login_throttles (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_attempt_at -> Timestamp,
    }
}

diesel::table! {
    researchers (member_id) {
        member_id -> Text,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    studies (id) {
        id -> Text,
        title -> Text,
        lay_summary -> Text,
        sponsor -> Text,
        ethics_reference -> Text,
        for_patients -> Bool,
        for_caregivers -> Bool,
        for_professionals -> Bool,
        min_age -> Nullable<Integer>,
        max_age -> Nullable<Integer>,
        status -> Text,
        pseudonym_key -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    study_conditions (study_id, condition_id) {
        study_id -> Text,
        condition_id -> Text,
    }
}

diesel::table! {
    consent_texts (purpose, version) {
        purpose -> Text,
        version -> Integer,
        body -> Text,
        created_at -> Timestamp,
        shares_free_text -> Bool,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        member_id -> Text,
        purpose -> Text,
        text_version -> Integer,
        channel -> Text,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        past_answers -> Nullable<Text>,
    }
}

diesel::table! {
    questionnaires (id) {
        id -> Text,
        study_id -> Text,
        title -> Text,
        opens_at -> Timestamp,
        recurrence -> Text,
        every_n -> Nullable<Integer>,
        window_days -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    questionnaire_versions (questionnaire_id, version) {
        questionnaire_id -> Text,
        version -> Integer,
        items -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        questionnaire_id -> Text,
        version -> Integer,
        study_id -> Text,
        member_id -> Nullable<Text>,
        participant -> Text,
        consent_version -> Integer,
        answers -> Text,
        answered_at -> Timestamp,
        excluded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    research_audit (id) {
        id -> Text,
        study_id -> Text,
        actor_id -> Text,
        action -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(questionnaires -> studies (study_id));
diesel::joinable!(questionnaire_versions -> questionnaires (questionnaire_id));
diesel::joinable!(research_audit -> studies (study_id));

diesel::allow_tables_to_appear_in_same_query!(
    studies,
    study_conditions,
    consents,
    consent_texts,
    questionnaires,
    questionnaire_versions,
    responses,
    research_audit,
);

diesel::table! {
    reports (id) {
        id -> Text,
        reporter_id -> Nullable<Text>,
        target_kind -> Text,
        target_id -> Text,
        target_author_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        reason -> Text,
        urgent -> Bool,
        note -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
        automatic -> Bool,
        excerpt -> Nullable<Text>,
    }
}

diesel::table! {
    moderation_actions (id) {
        id -> Text,
        report_id -> Nullable<Text>,
        moderator_id -> Nullable<Text>,
        target_kind -> Text,
        target_id -> Text,
        target_author_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        action -> Text,
        reason -> Text,
        created_at -> Timestamp,
        until_at -> Nullable<Timestamp>,
        urgent -> Bool,
    }
}

diesel::table! {
    appeals (id) {
        id -> Text,
        action_id -> Text,
        member_id -> Text,
        statement -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
    }
}

diesel::joinable!(appeals -> moderation_actions (action_id));
diesel::allow_tables_to_appear_in_same_query!(reports, moderation_actions, appeals);

diesel::table! {
    admin_audit (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        member_id -> Nullable<Text>,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> Text,
        member_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        new_email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox_emails (id) {
        id -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(account_tokens -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(account_tokens, members);

diesel::table! {
    api_keys (id) {
        id -> Text,
        association_id -> Text,
        name -> Text,
        hint -> Text,
        key_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_key_requests (id) {
        id -> Text,
        key_id -> Text,
        method -> Text,
        route -> Text,
        status -> Integer,
        at -> Timestamp,
    }
}

diesel::joinable!(api_keys -> associations (association_id));
diesel::joinable!(api_key_requests -> api_keys (key_id));
diesel::allow_tables_to_appear_in_same_query!(api_keys, associations, api_key_requests);

diesel::table! {
    webhooks (id) {
        id -> Text,
        association_id -> Text,
        url -> Text,
        secret -> Text,
        events -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_outbox (id) {
        id -> Text,
        webhook_id -> Text,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        response_code -> Nullable<Integer>,
        response_excerpt -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(webhooks -> associations (association_id));
diesel::joinable!(webhook_outbox -> webhooks (webhook_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, associations, webhook_outbox);

diesel::table! {
    conversations (id) {
        id -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
    }
}

diesel::table! {
    conversation_participants (conversation_id, member_id) {
        conversation_id -> Text,
        member_id -> Text,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        last_read_message_id -> Nullable<Text>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        conversation_id -> Text,
        author_id -> Text,
        key_id -> Text,
        nonce -> Text,
        ciphertext -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(conversation_participants -> conversations (conversation_id));
diesel::joinable!(conversation_participants -> members (member_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(messages -> members (author_id));
diesel::allow_tables_to_appear_in_same_query!(
    conversations,
    conversation_participants,
    messages,
    members
);
diesel::allow_tables_to_appear_in_same_query!(messages, blocks);
diesel::allow_tables_to_appear_in_same_query!(conversation_participants, blocks);
diesel::allow_tables_to_appear_in_same_query!(conversation_participants, group_memberships);

diesel::table! {
    notifications (id) {
        id -> Text,
        member_id -> Text,
        kind -> Text,
        actor_id -> Nullable<Text>,
        post_id -> Nullable<Text>,
        comment_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        event_id -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        outcome -> Nullable<Text>,
        occurrences -> BigInt,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (member_id, kind) {
        member_id -> Text,
        kind -> Text,
        channel -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(notifications, members);
diesel::allow_tables_to_appear_in_same_query!(notifications, blocks);
diesel::allow_tables_to_appear_in_same_query!(notifications, group_memberships);
diesel::allow_tables_to_appear_in_same_query!(notification_settings, members);

diesel::table! {
    stream_tickets (ticket_hash) {
        ticket_hash -> Text,
        session_id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(stream_tickets -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(stream_tickets, sessions);

diesel::table! {
    scheduled_notices (member_id, kind, subject_id, due_at) {
        member_id -> Text,
        kind -> Text,
        subject_id -> Text,
        due_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_digests (member_id) {
        member_id -> Text,
        frequency -> Text,
        last_period -> Nullable<Timestamp>,
        last_sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(notification_digests -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(notification_digests, members);
diesel::allow_tables_to_appear_in_same_query!(scheduled_notices, events);
diesel::allow_tables_to_appear_in_same_query!(scheduled_notices, event_rsvps);

diesel::table! {
    profile_bands (member_id) {
        member_id -> Text,
        age_band -> Nullable<Text>,
        age_band_visibility -> Text,
        diagnosed_since -> Nullable<Text>,
        diagnosed_since_visibility -> Text,
    }
}

diesel::table! {
    discoverable_members (member_id) {
        member_id -> Text,
        match_conditions -> Bool,
        match_kind -> Bool,
        match_age_band -> Bool,
        match_region -> Bool,
        match_language -> Bool,
        match_diagnosed_since -> Bool,
        since -> Timestamp,
    }
}

diesel::joinable!(profile_bands -> members (member_id));
diesel::joinable!(discoverable_members -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(profile_bands, members);
diesel::allow_tables_to_appear_in_same_query!(discoverable_members, members);
diesel::allow_tables_to_appear_in_same_query!(discoverable_members, profile_bands);

diesel::table! {
    media (id) {
        id -> Text,
        owner_id -> Text,
        format -> Text,
        width -> Integer,
        height -> Integer,
        blurhash -> Nullable<Text>,
        variants -> Text,
        byte_size -> BigInt,
        attached_to -> Nullable<Text>,
        post_id -> Nullable<Text>,
        comment_id -> Nullable<Text>,
        created_at -> Timestamp,
        attached_at -> Nullable<Timestamp>,
        duration_ms -> Nullable<BigInt>,
    }
}

diesel::joinable!(media -> members (owner_id));
diesel::joinable!(media -> posts (post_id));
diesel::joinable!(media -> comments (comment_id));
diesel::allow_tables_to_appear_in_same_query!(media, members);
diesel::allow_tables_to_appear_in_same_query!(media, posts);
diesel::allow_tables_to_appear_in_same_query!(media, comments);

diesel::table! {
    condition_follows (condition_id, member_id) {
        condition_id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    verification_requests (id) {
        id -> Text,
        member_id -> Text,
        badge -> Text,
        document_reference -> Text,
        association_id -> Nullable<Text>,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(condition_follows -> conditions (condition_id));
diesel::joinable!(condition_follows -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(condition_follows, conditions);
diesel::allow_tables_to_appear_in_same_query!(condition_follows, members);
diesel::allow_tables_to_appear_in_same_query!(condition_follows, resource_conditions);
diesel::allow_tables_to_appear_in_same_query!(condition_follows, discussion_groups);
diesel::allow_tables_to_appear_in_same_query!(condition_follows, association_conditions);

diesel::table! {
    member_badges (member_id) {
        member_id -> Text,
        badge -> Text,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
        request_id -> Nullable<Text>,
    }
}

diesel::joinable!(member_badges -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(member_badges, members);
diesel::allow_tables_to_appear_in_same_query!(member_badges, event_rsvps);
diesel::allow_tables_to_appear_in_same_query!(member_badges, group_memberships);
diesel::allow_tables_to_appear_in_same_query!(member_badges, association_memberships);
diesel::allow_tables_to_appear_in_same_query!(member_badges, discoverable_members);
diesel::allow_tables_to_appear_in_same_query!(member_badges, committee_members);
diesel::allow_tables_to_appear_in_same_query!(verification_requests, members);
diesel::allow_tables_to_appear_in_same_query!(member_badges, blocks);
diesel::allow_tables_to_appear_in_same_query!(member_badges, follows);
diesel::allow_tables_to_appear_in_same_query!(member_badges, posts);
