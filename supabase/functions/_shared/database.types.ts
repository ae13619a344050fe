
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "activities": {
                  Row: {
                    "agent_id": string | null,"contact": string | null,"created_at": string,"created_by": string | null,"id": string,"metadata": NonNullable<Json>,"notes": string | null,"occurred_at": string,"org_id": string,"outcome": string | null,"source_id": string | null,"source_type": string | null,"title": string | null,"type": string,"updated_at": string,"user_id": string | null,"value": number
                  }
                  ComputedFields: never
                  Insert: {
                    "agent_id"?: string | null,"contact"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"metadata"?: NonNullable<Json>,"notes"?: string | null,"occurred_at"?: string,"org_id": string,"outcome"?: string | null,"source_id"?: string | null,"source_type"?: string | null,"title"?: string | null,"type": string,"updated_at"?: string,"user_id"?: string | null,"value"?: number
                  }
                  Update: {
                    "agent_id"?: string | null,"contact"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"metadata"?: NonNullable<Json>,"notes"?: string | null,"occurred_at"?: string,"org_id"?: string,"outcome"?: string | null,"source_id"?: string | null,"source_type"?: string | null,"title"?: string | null,"type"?: string,"updated_at"?: string,"user_id"?: string | null,"value"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "activities_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "activities_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"agents": {
                  Row: {
                    "active": boolean,"created_at": string,"created_by": string | null,"id": string,"name": string,"org_id": string,"phone": string | null,"updated_at": string,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"created_by"?: string | null,"id"?: string,"name": string,"org_id": string,"phone"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"created_by"?: string | null,"id"?: string,"name"?: string,"org_id"?: string,"phone"?: string | null,"updated_at"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "agents_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"audit_logs": {
                  Row: {
                    "actor_id": string | null,"actor_role": string,"created_at": string,"id": number,"new_values": Json | null,"old_values": Json | null,"operation": string,"org_id": string | null,"row_id": string | null,"table_name": string
                  }
                  ComputedFields: never
                  Insert: {
                    "actor_id"?: string | null,"actor_role": string,"created_at"?: string,"id"?: never,"new_values"?: Json | null,"old_values"?: Json | null,"operation": string,"org_id"?: string | null,"row_id"?: string | null,"table_name": string
                  }
                  Update: {
                    "actor_id"?: string | null,"actor_role"?: string,"created_at"?: string,"id"?: never,"new_values"?: Json | null,"old_values"?: Json | null,"operation"?: string,"org_id"?: string | null,"row_id"?: string | null,"table_name"?: string
                  }
                  Relationships: [
                    
                  ]
                },"budget_caps": {
                  Row: {
                    "cheaper_model": string,"monthly_usd": number,"org_id": string,"set_by": string | null,"switch_at": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "cheaper_model"?: string,"monthly_usd": number,"org_id": string,"set_by"?: string | null,"switch_at"?: number,"updated_at"?: string
                  }
                  Update: {
                    "cheaper_model"?: string,"monthly_usd"?: number,"org_id"?: string,"set_by"?: string | null,"switch_at"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "budget_caps_org_id_fkey"
      columns: ["org_id"]
isOneToOne: true
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"budget_notices": {
                  Row: {
                    "cap_usd": number,"created_at": string,"id": string,"model": string,"month": string,"org_id": string,"spent_usd": number
                  }
                  ComputedFields: never
                  Insert: {
                    "cap_usd": number,"created_at"?: string,"id"?: string,"model": string,"month": string,"org_id": string,"spent_usd": number
                  }
                  Update: {
                    "cap_usd"?: number,"created_at"?: string,"id"?: string,"model"?: string,"month"?: string,"org_id"?: string,"spent_usd"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "budget_notices_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"call_comments": {
                  Row: {
                    "at_seconds": number,"author_id": string | null,"body": string,"call_id": string,"created_at": string,"id": string,"org_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "at_seconds": number,"author_id"?: string | null,"body": string,"call_id": string,"created_at"?: string,"id"?: string,"org_id": string,"updated_at"?: string
                  }
                  Update: {
                    "at_seconds"?: number,"author_id"?: string | null,"body"?: string,"call_id"?: string,"created_at"?: string,"id"?: string,"org_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "call_comments_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "call_comments_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"call_consents": {
                  Row: {
                    "analysis_allowed": boolean | null,"call_id": string,"notice_played": boolean,"notice_text": string | null,"org_id": string,"recorded_at": string,"region": string,"rule": string,"source": string
                  }
                  ComputedFields: never
                  Insert: {
                    "analysis_allowed"?: never,"call_id": string,"notice_played": boolean,"notice_text"?: string | null,"org_id": string,"recorded_at"?: string,"region": string,"rule": string,"source": string
                  }
                  Update: {
                    "analysis_allowed"?: never,"call_id"?: string,"notice_played"?: boolean,"notice_text"?: string | null,"org_id"?: string,"recorded_at"?: string,"region"?: string,"rule"?: string,"source"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "call_consents_call_id_fkey"
      columns: ["call_id"]
isOneToOne: true
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "call_consents_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"call_metrics": {
                  Row: {
                    "agent_id": string | null,"agent_questions": number,"agent_wpm": number | null,"call_id": string,"created_at": string,"customer_wpm": number | null,"interruptions": number,"longest_monologue_seconds": number,"metrics": NonNullable<Json>,"org_id": string,"silence_seconds": number,"talk_ratio": number | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "agent_id"?: string | null,"agent_questions"?: number,"agent_wpm"?: number | null,"call_id": string,"created_at"?: string,"customer_wpm"?: number | null,"interruptions"?: number,"longest_monologue_seconds"?: number,"metrics"?: NonNullable<Json>,"org_id": string,"silence_seconds"?: number,"talk_ratio"?: number | null,"updated_at"?: string
                  }
                  Update: {
                    "agent_id"?: string | null,"agent_questions"?: number,"agent_wpm"?: number | null,"call_id"?: string,"created_at"?: string,"customer_wpm"?: number | null,"interruptions"?: number,"longest_monologue_seconds"?: number,"metrics"?: NonNullable<Json>,"org_id"?: string,"silence_seconds"?: number,"talk_ratio"?: number | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "call_metrics_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "call_metrics_call_id_fkey"
      columns: ["call_id"]
isOneToOne: true
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "call_metrics_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"call_scripts": {
                  Row: {
                    "created_at": string,"created_by": string | null,"id": string,"is_default": boolean,"items": NonNullable<Json>,"name": string,"org_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"is_default"?: boolean,"items"?: NonNullable<Json>,"name": string,"org_id": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"is_default"?: boolean,"items"?: NonNullable<Json>,"name"?: string,"org_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "call_scripts_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"call_stats_daily": {
                  Row: {
                    "adherence_n": number,"adherence_sum": number,"agent_id": string,"analyzed": number,"calls": number,"converted": number,"day": string,"failed": number,"in_pipeline": number,"org_id": string,"sentiment_n": number,"sentiment_sum": number,"upsell_revenue": number
                  }
                  ComputedFields: never
                  Insert: {
                    "adherence_n"?: number,"adherence_sum"?: number,"agent_id": string,"analyzed"?: number,"calls"?: number,"converted"?: number,"day": string,"failed"?: number,"in_pipeline"?: number,"org_id": string,"sentiment_n"?: number,"sentiment_sum"?: number,"upsell_revenue"?: number
                  }
                  Update: {
                    "adherence_n"?: number,"adherence_sum"?: number,"agent_id"?: string,"analyzed"?: number,"calls"?: number,"converted"?: number,"day"?: string,"failed"?: number,"in_pipeline"?: number,"org_id"?: string,"sentiment_n"?: number,"sentiment_sum"?: number,"upsell_revenue"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "call_stats_daily_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"calls": {
                  Row: {
                    "agent_id": string | null,"created_at": string,"direction": string,"duration_seconds": number | null,"error": string | null,"from_number": string | null,"id": string,"org_id": string | null,"phone_number_id": string | null,"recording_channels": number | null,"recording_status": string | null,"recording_url": string | null,"started_at": string | null,"status": Database["public"]['Enums']["call_status"],"to_number": string | null,"twilio_call_sid": string,"twilio_recording_sid": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "agent_id"?: string | null,"created_at"?: string,"direction"?: string,"duration_seconds"?: number | null,"error"?: string | null,"from_number"?: string | null,"id"?: string,"org_id"?: string | null,"phone_number_id"?: string | null,"recording_channels"?: number | null,"recording_status"?: string | null,"recording_url"?: string | null,"started_at"?: string | null,"status"?: Database["public"]['Enums']["call_status"],"to_number"?: string | null,"twilio_call_sid": string,"twilio_recording_sid"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "agent_id"?: string | null,"created_at"?: string,"direction"?: string,"duration_seconds"?: number | null,"error"?: string | null,"from_number"?: string | null,"id"?: string,"org_id"?: string | null,"phone_number_id"?: string | null,"recording_channels"?: number | null,"recording_status"?: string | null,"recording_url"?: string | null,"started_at"?: string | null,"status"?: Database["public"]['Enums']["call_status"],"to_number"?: string | null,"twilio_call_sid"?: string,"twilio_recording_sid"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "calls_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "calls_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "calls_phone_number_id_fkey"
      columns: ["phone_number_id"]
isOneToOne: false
      referencedRelation: "phone_numbers"
      referencedColumns: ["id"]
    }
                  ]
                },"consent_area_codes": {
                  Row: {
                    "npa": string,"region": string
                  }
                  ComputedFields: never
                  Insert: {
                    "npa": string,"region": string
                  }
                  Update: {
                    "npa"?: string,"region"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "consent_area_codes_region_fkey"
      columns: ["region"]
isOneToOne: false
      referencedRelation: "consent_regions"
      referencedColumns: ["region"]
    }
                  ]
                },"consent_regions": {
                  Row: {
                    "note": string,"region": string,"rule": string
                  }
                  ComputedFields: never
                  Insert: {
                    "note": string,"region": string,"rule": string
                  }
                  Update: {
                    "note"?: string,"region"?: string,"rule"?: string
                  }
                  Relationships: [
                    
                  ]
                },"deletion_requests": {
                  Row: {
                    "completed_at": string | null,"id": string,"org_id": string,"pending_recording_sids": (string)[],"receipt": Json | null,"recordings_deleted": number,"requested_at": string,"requested_by": string | null,"status": string,"subject_kind": string
                  }
                  ComputedFields: never
                  Insert: {
                    "completed_at"?: string | null,"id"?: string,"org_id": string,"pending_recording_sids"?: (string)[],"receipt"?: Json | null,"recordings_deleted"?: number,"requested_at"?: string,"requested_by"?: string | null,"status"?: string,"subject_kind": string
                  }
                  Update: {
                    "completed_at"?: string | null,"id"?: string,"org_id"?: string,"pending_recording_sids"?: (string)[],"receipt"?: Json | null,"recordings_deleted"?: number,"requested_at"?: string,"requested_by"?: string | null,"status"?: string,"subject_kind"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "deletion_requests_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"email_events": {
                  Row: {
                    "created_at": string,"event": string,"id": string,"message_id": string,"occurred_at": string,"org_id": string,"reason": string | null,"severity": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"event": string,"id": string,"message_id": string,"occurred_at": string,"org_id": string,"reason"?: string | null,"severity"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"event"?: string,"id"?: string,"message_id"?: string,"occurred_at"?: string,"org_id"?: string,"reason"?: string | null,"severity"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "email_events_message_id_fkey"
      columns: ["message_id"]
isOneToOne: false
      referencedRelation: "messages"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_events_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"email_templates": {
                  Row: {
                    "body_html": string | null,"body_text": string,"created_at": string,"id": string,"key": string,"late_variables": (string)[],"name": string,"org_id": string,"subject": string,"updated_at": string,"updated_by": string | null,"variables": (string)[]
                  }
                  ComputedFields: never
                  Insert: {
                    "body_html"?: string | null,"body_text": string,"created_at"?: string,"id"?: string,"key": string,"late_variables"?: (string)[],"name": string,"org_id": string,"subject": string,"updated_at"?: string,"updated_by"?: string | null,"variables"?: (string)[]
                  }
                  Update: {
                    "body_html"?: string | null,"body_text"?: string,"created_at"?: string,"id"?: string,"key"?: string,"late_variables"?: (string)[],"name"?: string,"org_id"?: string,"subject"?: string,"updated_at"?: string,"updated_by"?: string | null,"variables"?: (string)[]
                  }
                  Relationships: [
                    {
      foreignKeyName: "email_templates_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"feature_flags": {
                  Row: {
                    "created_at": string,"created_by": string | null,"enabled": boolean | null,"id": string,"key": string,"limit_value": number | null,"note": string | null,"org_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"enabled"?: boolean | null,"id"?: string,"key": string,"limit_value"?: number | null,"note"?: string | null,"org_id": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"enabled"?: boolean | null,"id"?: string,"key"?: string,"limit_value"?: number | null,"note"?: string | null,"org_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "feature_flags_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"goal_members": {
                  Row: {
                    "agent_id": string,"created_at": string,"goal_id": string,"org_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "agent_id": string,"created_at"?: string,"goal_id": string,"org_id": string
                  }
                  Update: {
                    "agent_id"?: string,"created_at"?: string,"goal_id"?: string,"org_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "goal_members_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goal_members_goal_id_fkey"
      columns: ["goal_id"]
isOneToOne: false
      referencedRelation: "goals"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goal_members_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"goal_snapshots": {
                  Row: {
                    "activity_type": string | null,"actual": number | null,"agent_id": string | null,"closed_at": string,"goal_id": string | null,"id": string,"member_agent_ids": (string)[],"metric": Database["public"]['Enums']["goal_metric"],"name": string,"org_id": string,"period": Database["public"]['Enums']["goal_period"],"period_end": string,"period_start": string,"sample_size": number,"scope": Database["public"]['Enums']["goal_scope"],"status": string,"target": number,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "activity_type"?: string | null,"actual"?: number | null,"agent_id"?: string | null,"closed_at"?: string,"goal_id"?: string | null,"id"?: string,"member_agent_ids"?: (string)[],"metric": Database["public"]['Enums']["goal_metric"],"name": string,"org_id": string,"period": Database["public"]['Enums']["goal_period"],"period_end": string,"period_start": string,"sample_size": number,"scope": Database["public"]['Enums']["goal_scope"],"status": string,"target": number,"user_id"?: string | null
                  }
                  Update: {
                    "activity_type"?: string | null,"actual"?: number | null,"agent_id"?: string | null,"closed_at"?: string,"goal_id"?: string | null,"id"?: string,"member_agent_ids"?: (string)[],"metric"?: Database["public"]['Enums']["goal_metric"],"name"?: string,"org_id"?: string,"period"?: Database["public"]['Enums']["goal_period"],"period_end"?: string,"period_start"?: string,"sample_size"?: number,"scope"?: Database["public"]['Enums']["goal_scope"],"status"?: string,"target"?: number,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "goal_snapshots_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goal_snapshots_goal_id_fkey"
      columns: ["goal_id"]
isOneToOne: false
      referencedRelation: "goals"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goal_snapshots_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"goals": {
                  Row: {
                    "activity_type": string | null,"agent_id": string | null,"closed_at": string | null,"created_at": string,"created_by": string | null,"id": string,"metric": Database["public"]['Enums']["goal_metric"],"name": string,"org_id": string,"period": Database["public"]['Enums']["goal_period"],"period_end": string,"period_start": string,"recurring": boolean,"scope": Database["public"]['Enums']["goal_scope"],"target": number,"updated_at": string,"user_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "activity_type"?: string | null,"agent_id"?: string | null,"closed_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"metric": Database["public"]['Enums']["goal_metric"],"name": string,"org_id": string,"period": Database["public"]['Enums']["goal_period"],"period_end": string,"period_start": string,"recurring"?: boolean,"scope": Database["public"]['Enums']["goal_scope"],"target": number,"updated_at"?: string,"user_id"?: string | null
                  }
                  Update: {
                    "activity_type"?: string | null,"agent_id"?: string | null,"closed_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"metric"?: Database["public"]['Enums']["goal_metric"],"name"?: string,"org_id"?: string,"period"?: Database["public"]['Enums']["goal_period"],"period_end"?: string,"period_start"?: string,"recurring"?: boolean,"scope"?: Database["public"]['Enums']["goal_scope"],"target"?: number,"updated_at"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "goals_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "goals_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"insights": {
                  Row: {
                    "adherence_score": number | null,"analyzer": string,"call_id": string,"converted": boolean,"cost_usd": number,"created_at": string,"data": NonNullable<Json>,"dropped_claims": number,"id": string,"is_current": boolean,"latency_ms": number,"model": string,"model_reason": string | null,"org_id": string,"prompt_version": string,"request_id": string | null,"run_key": string,"script_id": string | null,"sentiment_label": string,"sentiment_score": number,"summary": string,"tokens_in": number,"tokens_out": number,"upsell_amount": number,"upsell_currency": string
                  }
                  ComputedFields: never
                  Insert: {
                    "adherence_score"?: number | null,"analyzer": string,"call_id": string,"converted": boolean,"cost_usd"?: number,"created_at"?: string,"data": NonNullable<Json>,"dropped_claims"?: number,"id"?: string,"is_current"?: boolean,"latency_ms"?: number,"model": string,"model_reason"?: string | null,"org_id": string,"prompt_version": string,"request_id"?: string | null,"run_key": string,"script_id"?: string | null,"sentiment_label": string,"sentiment_score": number,"summary": string,"tokens_in"?: number,"tokens_out"?: number,"upsell_amount"?: number,"upsell_currency"?: string
                  }
                  Update: {
                    "adherence_score"?: number | null,"analyzer"?: string,"call_id"?: string,"converted"?: boolean,"cost_usd"?: number,"created_at"?: string,"data"?: NonNullable<Json>,"dropped_claims"?: number,"id"?: string,"is_current"?: boolean,"latency_ms"?: number,"model"?: string,"model_reason"?: string | null,"org_id"?: string,"prompt_version"?: string,"request_id"?: string | null,"run_key"?: string,"script_id"?: string | null,"sentiment_label"?: string,"sentiment_score"?: number,"summary"?: string,"tokens_in"?: number,"tokens_out"?: number,"upsell_amount"?: number,"upsell_currency"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "insights_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "insights_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "insights_script_id_fkey"
      columns: ["script_id"]
isOneToOne: false
      referencedRelation: "call_scripts"
      referencedColumns: ["id"]
    }
                  ]
                },"invitations": {
                  Row: {
                    "accepted_at": string | null,"accepted_by": string | null,"created_at": string,"created_by": string | null,"email": string,"expires_at": string,"id": string,"invited_by": string | null,"org_id": string,"revoked_at": string | null,"role": Database["public"]['Enums']["org_role"],"token_hash": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "accepted_at"?: string | null,"accepted_by"?: string | null,"created_at"?: string,"created_by"?: string | null,"email": string,"expires_at"?: string,"id"?: string,"invited_by"?: string | null,"org_id": string,"revoked_at"?: string | null,"role": Database["public"]['Enums']["org_role"],"token_hash"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "accepted_at"?: string | null,"accepted_by"?: string | null,"created_at"?: string,"created_by"?: string | null,"email"?: string,"expires_at"?: string,"id"?: string,"invited_by"?: string | null,"org_id"?: string,"revoked_at"?: string | null,"role"?: Database["public"]['Enums']["org_role"],"token_hash"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "invitations_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"invoices": {
                  Row: {
                    "amount_due_cents": number,"amount_paid_cents": number,"created_at": string,"currency": string,"hosted_invoice_url": string | null,"id": string,"last_event_at": string,"number": string | null,"org_id": string,"paid_at": string | null,"period_end": string | null,"period_start": string | null,"status": string,"stripe_invoice_id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "amount_due_cents"?: number,"amount_paid_cents"?: number,"created_at"?: string,"currency"?: string,"hosted_invoice_url"?: string | null,"id"?: string,"last_event_at": string,"number"?: string | null,"org_id": string,"paid_at"?: string | null,"period_end"?: string | null,"period_start"?: string | null,"status": string,"stripe_invoice_id": string,"updated_at"?: string
                  }
                  Update: {
                    "amount_due_cents"?: number,"amount_paid_cents"?: number,"created_at"?: string,"currency"?: string,"hosted_invoice_url"?: string | null,"id"?: string,"last_event_at"?: string,"number"?: string | null,"org_id"?: string,"paid_at"?: string | null,"period_end"?: string | null,"period_start"?: string | null,"status"?: string,"stripe_invoice_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "invoices_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"jobs": {
                  Row: {
                    "attempts": number,"created_at": string,"dedupe_key": string | null,"finished_at": string | null,"id": number,"kind": string,"last_error": string | null,"locked_by": string | null,"locked_until": string | null,"max_attempts": number,"org_id": string | null,"payload": NonNullable<Json>,"request_id": string | null,"result": Json | null,"run_after": string,"status": Database["public"]['Enums']["job_status"],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "attempts"?: number,"created_at"?: string,"dedupe_key"?: string | null,"finished_at"?: string | null,"id"?: never,"kind": string,"last_error"?: string | null,"locked_by"?: string | null,"locked_until"?: string | null,"max_attempts"?: number,"org_id"?: string | null,"payload"?: NonNullable<Json>,"request_id"?: string | null,"result"?: Json | null,"run_after"?: string,"status"?: Database["public"]['Enums']["job_status"],"updated_at"?: string
                  }
                  Update: {
                    "attempts"?: number,"created_at"?: string,"dedupe_key"?: string | null,"finished_at"?: string | null,"id"?: never,"kind"?: string,"last_error"?: string | null,"locked_by"?: string | null,"locked_until"?: string | null,"max_attempts"?: number,"org_id"?: string | null,"payload"?: NonNullable<Json>,"request_id"?: string | null,"result"?: Json | null,"run_after"?: string,"status"?: Database["public"]['Enums']["job_status"],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "jobs_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"legal_holds": {
                  Row: {
                    "call_id": string | null,"created_at": string,"id": string,"org_id": string,"placed_at": string,"placed_by": string | null,"reason": string,"release_reason": string | null,"released_at": string | null,"released_by": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "call_id"?: string | null,"created_at"?: string,"id"?: string,"org_id": string,"placed_at"?: string,"placed_by"?: string | null,"reason": string,"release_reason"?: string | null,"released_at"?: string | null,"released_by"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "call_id"?: string | null,"created_at"?: string,"id"?: string,"org_id"?: string,"placed_at"?: string,"placed_by"?: string | null,"reason"?: string,"release_reason"?: string | null,"released_at"?: string | null,"released_by"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "legal_holds_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "legal_holds_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"memberships": {
                  Row: {
                    "created_at": string,"created_by": string | null,"id": string,"org_id": string,"role": Database["public"]['Enums']["org_role"],"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"org_id": string,"role": Database["public"]['Enums']["org_role"],"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"org_id"?: string,"role"?: Database["public"]['Enums']["org_role"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "memberships_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"messages": {
                  Row: {
                    "attachments": NonNullable<Json>,"body_html": string | null,"body_text": string,"created_at": string,"direction": Database["public"]['Enums']["email_direction"],"error": string | null,"from_address": string,"id": string,"in_reply_to": string | null,"mailgun_id": string | null,"matched_by": string | null,"message_id_header": string | null,"org_id": string,"payload": NonNullable<Json>,"references_header": string | null,"reply_to": string | null,"sent_at": string | null,"sent_by": string | null,"status": Database["public"]['Enums']["email_status"],"status_at": string,"stripped_text": string | null,"subject": string,"template_key": string | null,"thread_id": string | null,"to_address": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "attachments"?: NonNullable<Json>,"body_html"?: string | null,"body_text": string,"created_at"?: string,"direction": Database["public"]['Enums']["email_direction"],"error"?: string | null,"from_address": string,"id"?: string,"in_reply_to"?: string | null,"mailgun_id"?: string | null,"matched_by"?: string | null,"message_id_header"?: string | null,"org_id": string,"payload"?: NonNullable<Json>,"references_header"?: string | null,"reply_to"?: string | null,"sent_at"?: string | null,"sent_by"?: string | null,"status": Database["public"]['Enums']["email_status"],"status_at"?: string,"stripped_text"?: string | null,"subject": string,"template_key"?: string | null,"thread_id"?: string | null,"to_address": string,"updated_at"?: string
                  }
                  Update: {
                    "attachments"?: NonNullable<Json>,"body_html"?: string | null,"body_text"?: string,"created_at"?: string,"direction"?: Database["public"]['Enums']["email_direction"],"error"?: string | null,"from_address"?: string,"id"?: string,"in_reply_to"?: string | null,"mailgun_id"?: string | null,"matched_by"?: string | null,"message_id_header"?: string | null,"org_id"?: string,"payload"?: NonNullable<Json>,"references_header"?: string | null,"reply_to"?: string | null,"sent_at"?: string | null,"sent_by"?: string | null,"status"?: Database["public"]['Enums']["email_status"],"status_at"?: string,"stripped_text"?: string | null,"subject"?: string,"template_key"?: string | null,"thread_id"?: string | null,"to_address"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "messages_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "messages_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "threads"
      referencedColumns: ["id"]
    }
                  ]
                },"organizations": {
                  Row: {
                    "analysis_model": string | null,"created_at": string,"created_by": string | null,"currency": string,"id": string,"name": string,"recording_notice": string | null,"retention_months": number,"settings": NonNullable<Json>,"slug": string,"suspended_at": string | null,"suspended_by": string | null,"suspended_reason": string | null,"time_zone": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "analysis_model"?: string | null,"created_at"?: string,"created_by"?: string | null,"currency"?: string,"id"?: string,"name": string,"recording_notice"?: string | null,"retention_months"?: number,"settings"?: NonNullable<Json>,"slug": string,"suspended_at"?: string | null,"suspended_by"?: string | null,"suspended_reason"?: string | null,"time_zone"?: string,"updated_at"?: string
                  }
                  Update: {
                    "analysis_model"?: string | null,"created_at"?: string,"created_by"?: string | null,"currency"?: string,"id"?: string,"name"?: string,"recording_notice"?: string | null,"retention_months"?: number,"settings"?: NonNullable<Json>,"slug"?: string,"suspended_at"?: string | null,"suspended_by"?: string | null,"suspended_reason"?: string | null,"time_zone"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"phone_numbers": {
                  Row: {
                    "agent_id": string | null,"created_at": string,"created_by": string | null,"e164": string,"forward_to": string | null,"friendly_name": string | null,"id": string,"org_id": string,"provider_sid": string | null,"status": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "agent_id"?: string | null,"created_at"?: string,"created_by"?: string | null,"e164": string,"forward_to"?: string | null,"friendly_name"?: string | null,"id"?: string,"org_id": string,"provider_sid"?: string | null,"status"?: string,"updated_at"?: string
                  }
                  Update: {
                    "agent_id"?: string | null,"created_at"?: string,"created_by"?: string | null,"e164"?: string,"forward_to"?: string | null,"friendly_name"?: string | null,"id"?: string,"org_id"?: string,"provider_sid"?: string | null,"status"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "phone_numbers_agent_id_fkey"
      columns: ["agent_id"]
isOneToOne: false
      referencedRelation: "agents"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "phone_numbers_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"plans": {
                  Row: {
                    "active": boolean,"created_at": string,"description": string | null,"features": (string)[],"id": string,"key": string,"limits": NonNullable<Json>,"name": string,"price_monthly_cents": number,"price_yearly_cents": number,"seats_included": number,"sort": number,"stripe_meter_event": string | null,"stripe_price_metered": string | null,"stripe_price_metered_yearly": string | null,"stripe_price_monthly": string | null,"stripe_price_yearly": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "active"?: boolean,"created_at"?: string,"description"?: string | null,"features"?: (string)[],"id"?: string,"key": string,"limits"?: NonNullable<Json>,"name": string,"price_monthly_cents"?: number,"price_yearly_cents"?: number,"seats_included": number,"sort"?: number,"stripe_meter_event"?: string | null,"stripe_price_metered"?: string | null,"stripe_price_metered_yearly"?: string | null,"stripe_price_monthly"?: string | null,"stripe_price_yearly"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "active"?: boolean,"created_at"?: string,"description"?: string | null,"features"?: (string)[],"id"?: string,"key"?: string,"limits"?: NonNullable<Json>,"name"?: string,"price_monthly_cents"?: number,"price_yearly_cents"?: number,"seats_included"?: number,"sort"?: number,"stripe_meter_event"?: string | null,"stripe_price_metered"?: string | null,"stripe_price_metered_yearly"?: string | null,"stripe_price_monthly"?: string | null,"stripe_price_yearly"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"platform_admins": {
                  Row: {
                    "created_at": string,"note": string | null,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"note"?: string | null,"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"note"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    
                  ]
                },"profiles": {
                  Row: {
                    "avatar_url": string | null,"created_at": string,"current_org_id": string | null,"email": string | null,"full_name": string | null,"id": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "avatar_url"?: string | null,"created_at"?: string,"current_org_id"?: string | null,"email"?: string | null,"full_name"?: string | null,"id": string,"updated_at"?: string
                  }
                  Update: {
                    "avatar_url"?: string | null,"created_at"?: string,"current_org_id"?: string | null,"email"?: string | null,"full_name"?: string | null,"id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "profiles_current_org_id_fkey"
      columns: ["current_org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"provider_costs": {
                  Row: {
                    "cost_usd": number,"id": string,"item": string,"occurred_at": string,"org_id": string,"provider": string,"quantity": number,"source_id": string,"source_type": string,"unit_price_usd": number
                  }
                  ComputedFields: never
                  Insert: {
                    "cost_usd": number,"id"?: string,"item": string,"occurred_at"?: string,"org_id": string,"provider": string,"quantity": number,"source_id": string,"source_type": string,"unit_price_usd": number
                  }
                  Update: {
                    "cost_usd"?: number,"id"?: string,"item"?: string,"occurred_at"?: string,"org_id"?: string,"provider"?: string,"quantity"?: number,"source_id"?: string,"source_type"?: string,"unit_price_usd"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "provider_costs_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"provider_prices": {
                  Row: {
                    "created_at": string,"effective_from": string,"id": string,"item": string,"provider": string,"unit": string,"unit_price_usd": number
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"effective_from"?: string,"id"?: string,"item": string,"provider": string,"unit": string,"unit_price_usd": number
                  }
                  Update: {
                    "created_at"?: string,"effective_from"?: string,"id"?: string,"item"?: string,"provider"?: string,"unit"?: string,"unit_price_usd"?: number
                  }
                  Relationships: [
                    
                  ]
                },"purge_runs": {
                  Row: {
                    "action": string,"created_at": string,"cutoff": string,"id": number,"org_id": string,"rows": number,"table_name": string
                  }
                  ComputedFields: never
                  Insert: {
                    "action": string,"created_at"?: string,"cutoff": string,"id"?: never,"org_id": string,"rows": number,"table_name": string
                  }
                  Update: {
                    "action"?: string,"created_at"?: string,"cutoff"?: string,"id"?: never,"org_id"?: string,"rows"?: number,"table_name"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "purge_runs_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"referrals": {
                  Row: {
                    "contacted_at": string | null,"created_at": string,"created_by": string | null,"deal_value": number | null,"email_key": string | null,"id": string,"lost_at": string | null,"notes": string | null,"org_id": string,"owner_id": string | null,"phone_key": string | null,"qualified_at": string | null,"referred_email": string | null,"referred_name": string,"referred_phone": string | null,"referrer_kind": Database["public"]['Enums']["referrer_kind"],"referrer_name": string,"reward_status": Database["public"]['Enums']["reward_status"],"status": Database["public"]['Enums']["referral_status"],"submitted_at": string,"updated_at": string,"won_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "contacted_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"deal_value"?: number | null,"email_key"?: never,"id"?: string,"lost_at"?: string | null,"notes"?: string | null,"org_id": string,"owner_id"?: string | null,"phone_key"?: never,"qualified_at"?: string | null,"referred_email"?: string | null,"referred_name": string,"referred_phone"?: string | null,"referrer_kind": Database["public"]['Enums']["referrer_kind"],"referrer_name": string,"reward_status"?: Database["public"]['Enums']["reward_status"],"status"?: Database["public"]['Enums']["referral_status"],"submitted_at"?: string,"updated_at"?: string,"won_at"?: string | null
                  }
                  Update: {
                    "contacted_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"deal_value"?: number | null,"email_key"?: never,"id"?: string,"lost_at"?: string | null,"notes"?: string | null,"org_id"?: string,"owner_id"?: string | null,"phone_key"?: never,"qualified_at"?: string | null,"referred_email"?: string | null,"referred_name"?: string,"referred_phone"?: string | null,"referrer_kind"?: Database["public"]['Enums']["referrer_kind"],"referrer_name"?: string,"reward_status"?: Database["public"]['Enums']["reward_status"],"status"?: Database["public"]['Enums']["referral_status"],"submitted_at"?: string,"updated_at"?: string,"won_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "referrals_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"scorecard_answers": {
                  Row: {
                    "answer": string,"answered_by": string | null,"call_id": string | null,"created_at": string,"evidence_quote": string | null,"evidence_time": number | null,"id": string,"is_current": boolean,"item_id": string,"note": string | null,"org_id": string,"source": string,"user_sim_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "answer": string,"answered_by"?: string | null,"call_id"?: string | null,"created_at"?: string,"evidence_quote"?: string | null,"evidence_time"?: number | null,"id"?: string,"is_current"?: boolean,"item_id": string,"note"?: string | null,"org_id": string,"source": string,"user_sim_id"?: string | null
                  }
                  Update: {
                    "answer"?: string,"answered_by"?: string | null,"call_id"?: string | null,"created_at"?: string,"evidence_quote"?: string | null,"evidence_time"?: number | null,"id"?: string,"is_current"?: boolean,"item_id"?: string,"note"?: string | null,"org_id"?: string,"source"?: string,"user_sim_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "scorecard_answers_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "scorecard_answers_item_id_fkey"
      columns: ["item_id"]
isOneToOne: false
      referencedRelation: "scorecard_items"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "scorecard_answers_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "scorecard_answers_user_sim_id_fkey"
      columns: ["user_sim_id"]
isOneToOne: false
      referencedRelation: "user_sims"
      referencedColumns: ["id"]
    }
                  ]
                },"scorecard_items": {
                  Row: {
                    "archived": boolean,"created_at": string,"guidance": string | null,"id": string,"key": string,"org_id": string,"partial_credit": boolean,"position": number,"question": string,"scorecard_id": string,"updated_at": string,"weight": number
                  }
                  ComputedFields: never
                  Insert: {
                    "archived"?: boolean,"created_at"?: string,"guidance"?: string | null,"id"?: string,"key": string,"org_id": string,"partial_credit"?: boolean,"position"?: number,"question": string,"scorecard_id": string,"updated_at"?: string,"weight"?: number
                  }
                  Update: {
                    "archived"?: boolean,"created_at"?: string,"guidance"?: string | null,"id"?: string,"key"?: string,"org_id"?: string,"partial_credit"?: boolean,"position"?: number,"question"?: string,"scorecard_id"?: string,"updated_at"?: string,"weight"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "scorecard_items_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "scorecard_items_scorecard_id_fkey"
      columns: ["scorecard_id"]
isOneToOne: false
      referencedRelation: "scorecards"
      referencedColumns: ["id"]
    }
                  ]
                },"scorecards": {
                  Row: {
                    "created_at": string,"created_by": string | null,"description": string | null,"id": string,"is_builtin": boolean,"name": string,"org_id": string,"pass_score": number,"source_script_id": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"is_builtin"?: boolean,"name": string,"org_id": string,"pass_score"?: number,"source_script_id"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"is_builtin"?: boolean,"name"?: string,"org_id"?: string,"pass_score"?: number,"source_script_id"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "scorecards_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "scorecards_source_script_id_fkey"
      columns: ["source_script_id"]
isOneToOne: true
      referencedRelation: "call_scripts"
      referencedColumns: ["id"]
    }
                  ]
                },"sim_templates": {
                  Row: {
                    "company": string,"created_at": string,"created_by": string | null,"difficulty": number,"id": string,"is_builtin": boolean,"max_attempts": number | null,"name": string,"objections": NonNullable<Json>,"objectives": (string)[],"org_id": string,"persona_name": string,"persona_role": string,"scenario": string,"scorecard_id": string,"temperament": string,"time_limit_minutes": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "company": string,"created_at"?: string,"created_by"?: string | null,"difficulty"?: number,"id"?: string,"is_builtin"?: boolean,"max_attempts"?: number | null,"name": string,"objections"?: NonNullable<Json>,"objectives"?: (string)[],"org_id": string,"persona_name": string,"persona_role": string,"scenario": string,"scorecard_id": string,"temperament"?: string,"time_limit_minutes"?: number,"updated_at"?: string
                  }
                  Update: {
                    "company"?: string,"created_at"?: string,"created_by"?: string | null,"difficulty"?: number,"id"?: string,"is_builtin"?: boolean,"max_attempts"?: number | null,"name"?: string,"objections"?: NonNullable<Json>,"objectives"?: (string)[],"org_id"?: string,"persona_name"?: string,"persona_role"?: string,"scenario"?: string,"scorecard_id"?: string,"temperament"?: string,"time_limit_minutes"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "sim_templates_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "sim_templates_scorecard_id_fkey"
      columns: ["scorecard_id"]
isOneToOne: false
      referencedRelation: "scorecards"
      referencedColumns: ["id"]
    }
                  ]
                },"sims": {
                  Row: {
                    "assigned_by": string | null,"created_at": string,"due_at": string | null,"focus_keys": (string)[],"id": string,"min_attempts": number,"note": string | null,"org_id": string,"template_id": string,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "assigned_by"?: string | null,"created_at"?: string,"due_at"?: string | null,"focus_keys"?: (string)[],"id"?: string,"min_attempts"?: number,"note"?: string | null,"org_id": string,"template_id": string,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "assigned_by"?: string | null,"created_at"?: string,"due_at"?: string | null,"focus_keys"?: (string)[],"id"?: string,"min_attempts"?: number,"note"?: string | null,"org_id"?: string,"template_id"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "sims_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "sims_template_id_fkey"
      columns: ["template_id"]
isOneToOne: false
      referencedRelation: "sim_templates"
      referencedColumns: ["id"]
    }
                  ]
                },"staff_actions": {
                  Row: {
                    "action": string,"actor_id": string | null,"created_at": string,"detail": NonNullable<Json>,"id": number,"org_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "action": string,"actor_id"?: string | null,"created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"org_id"?: string | null
                  }
                  Update: {
                    "action"?: string,"actor_id"?: string | null,"created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"org_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "staff_actions_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"stripe_events": {
                  Row: {
                    "created": string,"id": string,"org_id": string | null,"outcome": string,"processed_at": string | null,"received_at": string,"type": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created": string,"id": string,"org_id"?: string | null,"outcome"?: string,"processed_at"?: string | null,"received_at"?: string,"type": string
                  }
                  Update: {
                    "created"?: string,"id"?: string,"org_id"?: string | null,"outcome"?: string,"processed_at"?: string | null,"received_at"?: string,"type"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "stripe_events_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"stripe_refused_events": {
                  Row: {
                    "event_id": string | null,"id": number,"payload": NonNullable<Json>,"reason": string,"received_at": string,"type": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "event_id"?: string | null,"id"?: never,"payload": NonNullable<Json>,"reason": string,"received_at"?: string,"type"?: string | null
                  }
                  Update: {
                    "event_id"?: string | null,"id"?: never,"payload"?: NonNullable<Json>,"reason"?: string,"received_at"?: string,"type"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"subscriptions": {
                  Row: {
                    "billing_interval": string | null,"cancel_at": string | null,"cancel_at_period_end": boolean,"created_at": string,"current_period_end": string | null,"current_period_start": string | null,"id": string,"last_event_at": string | null,"latest_invoice_amount_cents": number | null,"latest_invoice_status": string | null,"latest_invoice_url": string | null,"org_id": string,"past_due_since": string | null,"plan_id": string | null,"seats": number,"status": string,"stripe_customer_id": string | null,"stripe_subscription_id": string | null,"trial_end": string | null,"trial_will_end_at": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "billing_interval"?: string | null,"cancel_at"?: string | null,"cancel_at_period_end"?: boolean,"created_at"?: string,"current_period_end"?: string | null,"current_period_start"?: string | null,"id"?: string,"last_event_at"?: string | null,"latest_invoice_amount_cents"?: number | null,"latest_invoice_status"?: string | null,"latest_invoice_url"?: string | null,"org_id": string,"past_due_since"?: string | null,"plan_id"?: string | null,"seats"?: number,"status"?: string,"stripe_customer_id"?: string | null,"stripe_subscription_id"?: string | null,"trial_end"?: string | null,"trial_will_end_at"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "billing_interval"?: string | null,"cancel_at"?: string | null,"cancel_at_period_end"?: boolean,"created_at"?: string,"current_period_end"?: string | null,"current_period_start"?: string | null,"id"?: string,"last_event_at"?: string | null,"latest_invoice_amount_cents"?: number | null,"latest_invoice_status"?: string | null,"latest_invoice_url"?: string | null,"org_id"?: string,"past_due_since"?: string | null,"plan_id"?: string | null,"seats"?: number,"status"?: string,"stripe_customer_id"?: string | null,"stripe_subscription_id"?: string | null,"trial_end"?: string | null,"trial_will_end_at"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "subscriptions_org_id_fkey"
      columns: ["org_id"]
isOneToOne: true
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "subscriptions_plan_id_fkey"
      columns: ["plan_id"]
isOneToOne: false
      referencedRelation: "plans"
      referencedColumns: ["id"]
    }
                  ]
                },"thread_reads": {
                  Row: {
                    "org_id": string,"read_at": string,"thread_id": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "org_id": string,"read_at"?: string,"thread_id": string,"user_id": string
                  }
                  Update: {
                    "org_id"?: string,"read_at"?: string,"thread_id"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "thread_reads_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "thread_reads_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "threads"
      referencedColumns: ["id"]
    }
                  ]
                },"threads": {
                  Row: {
                    "contact_email": string,"contact_name": string | null,"created_at": string,"created_by": string | null,"id": string,"last_message_at": string,"org_id": string,"reply_token": string,"source_id": string | null,"source_type": string | null,"subject": string,"unmatched": boolean,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "contact_email": string,"contact_name"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"last_message_at"?: string,"org_id": string,"reply_token"?: string,"source_id"?: string | null,"source_type"?: string | null,"subject": string,"unmatched"?: boolean,"updated_at"?: string
                  }
                  Update: {
                    "contact_email"?: string,"contact_name"?: string | null,"created_at"?: string,"created_by"?: string | null,"id"?: string,"last_message_at"?: string,"org_id"?: string,"reply_token"?: string,"source_id"?: string | null,"source_type"?: string | null,"subject"?: string,"unmatched"?: boolean,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "threads_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"tracker_alerts": {
                  Row: {
                    "call_id": string,"created_at": string,"hits": number,"id": string,"org_id": string,"tracker_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "call_id": string,"created_at"?: string,"hits": number,"id"?: string,"org_id": string,"tracker_id": string
                  }
                  Update: {
                    "call_id"?: string,"created_at"?: string,"hits"?: number,"id"?: string,"org_id"?: string,"tracker_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "tracker_alerts_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "tracker_alerts_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "tracker_alerts_tracker_id_fkey"
      columns: ["tracker_id"]
isOneToOne: false
      referencedRelation: "trackers"
      referencedColumns: ["id"]
    }
                  ]
                },"tracker_hits": {
                  Row: {
                    "call_id": string,"created_at": string,"id": string,"org_id": string,"quote": string,"segment": number,"speaker": string,"term": string,"time_seconds": number,"tracker_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "call_id": string,"created_at"?: string,"id"?: string,"org_id": string,"quote": string,"segment": number,"speaker": string,"term": string,"time_seconds": number,"tracker_id": string
                  }
                  Update: {
                    "call_id"?: string,"created_at"?: string,"id"?: string,"org_id"?: string,"quote"?: string,"segment"?: number,"speaker"?: string,"term"?: string,"time_seconds"?: number,"tracker_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "tracker_hits_call_id_fkey"
      columns: ["call_id"]
isOneToOne: false
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "tracker_hits_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "tracker_hits_tracker_id_fkey"
      columns: ["tracker_id"]
isOneToOne: false
      referencedRelation: "trackers"
      referencedColumns: ["id"]
    }
                  ]
                },"trackers": {
                  Row: {
                    "alert": boolean,"created_at": string,"created_by": string | null,"id": string,"name": string,"org_id": string,"terms": (string)[],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "alert"?: boolean,"created_at"?: string,"created_by"?: string | null,"id"?: string,"name": string,"org_id": string,"terms": (string)[],"updated_at"?: string
                  }
                  Update: {
                    "alert"?: boolean,"created_at"?: string,"created_by"?: string | null,"id"?: string,"name"?: string,"org_id"?: string,"terms"?: (string)[],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "trackers_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"transcripts": {
                  Row: {
                    "call_id": string,"created_at": string,"full_text": string,"id": string,"language": string | null,"org_id": string,"original_text": string | null,"redactions": NonNullable<Json>,"search": unknown,"segments": NonNullable<Json>,"source": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "call_id": string,"created_at"?: string,"full_text": string,"id"?: string,"language"?: string | null,"org_id": string,"original_text"?: string | null,"redactions"?: NonNullable<Json>,"search"?: never,"segments": NonNullable<Json>,"source": string,"updated_at"?: string
                  }
                  Update: {
                    "call_id"?: string,"created_at"?: string,"full_text"?: string,"id"?: string,"language"?: string | null,"org_id"?: string,"original_text"?: string | null,"redactions"?: NonNullable<Json>,"search"?: never,"segments"?: NonNullable<Json>,"source"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "transcripts_call_id_fkey"
      columns: ["call_id"]
isOneToOne: true
      referencedRelation: "calls"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "transcripts_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"usage_records": {
                  Row: {
                    "billable": boolean,"created_at": string,"id": string,"kind": string,"occurred_at": string,"org_id": string,"quantity": number,"reported_at": string | null,"source_id": string,"source_type": string
                  }
                  ComputedFields: never
                  Insert: {
                    "billable"?: boolean,"created_at"?: string,"id"?: string,"kind": string,"occurred_at"?: string,"org_id": string,"quantity": number,"reported_at"?: string | null,"source_id": string,"source_type": string
                  }
                  Update: {
                    "billable"?: boolean,"created_at"?: string,"id"?: string,"kind"?: string,"occurred_at"?: string,"org_id"?: string,"quantity"?: number,"reported_at"?: string | null,"source_id"?: string,"source_type"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "usage_records_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"user_sim_turns": {
                  Row: {
                    "at_seconds": number,"content": string,"created_at": string,"id": number,"org_id": string,"role": string,"seq": number,"user_id": string,"user_sim_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "at_seconds": number,"content": string,"created_at"?: string,"id"?: never,"org_id": string,"role": string,"seq": number,"user_id": string,"user_sim_id": string
                  }
                  Update: {
                    "at_seconds"?: number,"content"?: string,"created_at"?: string,"id"?: never,"org_id"?: string,"role"?: string,"seq"?: number,"user_id"?: string,"user_sim_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "user_sim_turns_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "user_sim_turns_user_sim_id_fkey"
      columns: ["user_sim_id"]
isOneToOne: false
      referencedRelation: "user_sims"
      referencedColumns: ["id"]
    }
                  ]
                },"user_sims": {
                  Row: {
                    "attempt": number,"buyer": string | null,"cost_usd": number,"created_at": string,"ended_at": string | null,"id": string,"model": string | null,"org_id": string,"passed": boolean | null,"score": number | null,"score_error": string | null,"scorecard_id": string,"scored_at": string | null,"scorer": string | null,"sim_id": string | null,"started_at": string,"status": string,"template_id": string,"time_limit_minutes": number,"tips": NonNullable<Json>,"tokens_in": number,"tokens_out": number,"updated_at": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "attempt": number,"buyer"?: string | null,"cost_usd"?: number,"created_at"?: string,"ended_at"?: string | null,"id"?: string,"model"?: string | null,"org_id": string,"passed"?: boolean | null,"score"?: number | null,"score_error"?: string | null,"scorecard_id": string,"scored_at"?: string | null,"scorer"?: string | null,"sim_id"?: string | null,"started_at"?: string,"status"?: string,"template_id": string,"time_limit_minutes": number,"tips"?: NonNullable<Json>,"tokens_in"?: number,"tokens_out"?: number,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "attempt"?: number,"buyer"?: string | null,"cost_usd"?: number,"created_at"?: string,"ended_at"?: string | null,"id"?: string,"model"?: string | null,"org_id"?: string,"passed"?: boolean | null,"score"?: number | null,"score_error"?: string | null,"scorecard_id"?: string,"scored_at"?: string | null,"scorer"?: string | null,"sim_id"?: string | null,"started_at"?: string,"status"?: string,"template_id"?: string,"time_limit_minutes"?: number,"tips"?: NonNullable<Json>,"tokens_in"?: number,"tokens_out"?: number,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "user_sims_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "user_sims_scorecard_id_fkey"
      columns: ["scorecard_id"]
isOneToOne: false
      referencedRelation: "scorecards"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "user_sims_sim_id_fkey"
      columns: ["sim_id"]
isOneToOne: false
      referencedRelation: "sims"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "user_sims_template_id_fkey"
      columns: ["template_id"]
isOneToOne: false
      referencedRelation: "sim_templates"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_personas": {
                  Row: {
                    "created_at": string,"created_by": string | null,"id": string,"name": string,"org_id": string,"persona": string,"voices": NonNullable<Json>
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"name": string,"org_id": string,"persona": string,"voices"?: NonNullable<Json>
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"name"?: string,"org_id"?: string,"persona"?: string,"voices"?: NonNullable<Json>
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_personas_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_prices": {
                  Row: {
                    "created_at": string,"created_by": string | null,"effective_from": string,"id": string,"org_id": string | null,"price_per_minute": number
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"effective_from"?: string,"id"?: string,"org_id"?: string | null,"price_per_minute": number
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"effective_from"?: string,"id"?: string,"org_id"?: string | null,"price_per_minute"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_prices_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_recordings": {
                  Row: {
                    "audio": string,"created_at": string,"org_id": string,"sample_rate": number,"seconds": number,"seq": number,"session_id": string,"speaker": string
                  }
                  ComputedFields: never
                  Insert: {
                    "audio": string,"created_at"?: string,"org_id": string,"sample_rate": number,"seconds": number,"seq": number,"session_id": string,"speaker": string
                  }
                  Update: {
                    "audio"?: string,"created_at"?: string,"org_id"?: string,"sample_rate"?: number,"seconds"?: number,"seq"?: number,"session_id"?: string,"speaker"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_recordings_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_recordings_session_id_fkey"
      columns: ["session_id"]
isOneToOne: false
      referencedRelation: "voice_sessions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_recordings_session_id_seq_fkey"
      columns: ["session_id","seq"]
isOneToOne: true
      referencedRelation: "voice_turns"
      referencedColumns: ["session_id","seq"]
    }
                  ]
                },"voice_scenarios": {
                  Row: {
                    "brief": string,"created_at": string,"created_by": string | null,"id": string,"org_id": string,"persona_id": string,"sim_template_id": string | null,"title": string
                  }
                  ComputedFields: never
                  Insert: {
                    "brief"?: string,"created_at"?: string,"created_by"?: string | null,"id"?: string,"org_id": string,"persona_id": string,"sim_template_id"?: string | null,"title": string
                  }
                  Update: {
                    "brief"?: string,"created_at"?: string,"created_by"?: string | null,"id"?: string,"org_id"?: string,"persona_id"?: string,"sim_template_id"?: string | null,"title"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_scenarios_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_scenarios_persona_id_fkey"
      columns: ["persona_id"]
isOneToOne: false
      referencedRelation: "voice_personas"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_scenarios_sim_template_id_fkey"
      columns: ["sim_template_id"]
isOneToOne: false
      referencedRelation: "sim_templates"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_sessions": {
                  Row: {
                    "billable_minutes": number | null,"cost_usd": number | null,"created_at": string,"end_reason": string | null,"ended_at": string | null,"id": string,"last_event_seq": number,"max_seconds": number,"org_id": string,"provider_cost_usd": number,"recording_path": string | null,"scenario_id": string | null,"score": Json | null,"seconds": number,"started_at": string,"status": string,"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "billable_minutes"?: number | null,"cost_usd"?: number | null,"created_at"?: string,"end_reason"?: string | null,"ended_at"?: string | null,"id"?: string,"last_event_seq"?: number,"max_seconds": number,"org_id": string,"provider_cost_usd"?: number,"recording_path"?: string | null,"scenario_id"?: string | null,"score"?: Json | null,"seconds"?: number,"started_at"?: string,"status"?: string,"user_id"?: string
                  }
                  Update: {
                    "billable_minutes"?: number | null,"cost_usd"?: number | null,"created_at"?: string,"end_reason"?: string | null,"ended_at"?: string | null,"id"?: string,"last_event_seq"?: number,"max_seconds"?: number,"org_id"?: string,"provider_cost_usd"?: number,"recording_path"?: string | null,"scenario_id"?: string | null,"score"?: Json | null,"seconds"?: number,"started_at"?: string,"status"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_sessions_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_sessions_scenario_id_fkey"
      columns: ["scenario_id"]
isOneToOne: false
      referencedRelation: "voice_scenarios"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_settings": {
                  Row: {
                    "max_session_seconds": number,"org_id": string,"recording_enabled": boolean,"retention_days": number,"stt_providers": (string)[],"tts_providers": (string)[],"turn_enabled": boolean,"updated_at": string,"updated_by": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "max_session_seconds"?: number,"org_id": string,"recording_enabled"?: boolean,"retention_days"?: number,"stt_providers"?: (string)[],"tts_providers"?: (string)[],"turn_enabled"?: boolean,"updated_at"?: string,"updated_by"?: string | null
                  }
                  Update: {
                    "max_session_seconds"?: number,"org_id"?: string,"recording_enabled"?: boolean,"retention_days"?: number,"stt_providers"?: (string)[],"tts_providers"?: (string)[],"turn_enabled"?: boolean,"updated_at"?: string,"updated_by"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_settings_org_id_fkey"
      columns: ["org_id"]
isOneToOne: true
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_turns": {
                  Row: {
                    "at": string,"org_id": string,"provider": string | null,"seq": number,"session_id": string,"speaker": string,"text": string
                  }
                  ComputedFields: never
                  Insert: {
                    "at"?: string,"org_id": string,"provider"?: string | null,"seq": number,"session_id": string,"speaker": string,"text": string
                  }
                  Update: {
                    "at"?: string,"org_id"?: string,"provider"?: string | null,"seq"?: number,"session_id"?: string,"speaker"?: string,"text"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_turns_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_turns_session_id_fkey"
      columns: ["session_id"]
isOneToOne: false
      referencedRelation: "voice_sessions"
      referencedColumns: ["id"]
    }
                  ]
                },"voice_usage_records": {
                  Row: {
                    "audio_seconds": number,"billed_from": string | null,"billed_to": string | null,"cost_usd": number,"error": string | null,"id": string,"kind": string,"latency_ms": number | null,"model": string | null,"occurred_at": string,"ok": boolean,"org_id": string,"price_per_minute": number | null,"provider": string,"provider_cost_usd": number,"session_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "audio_seconds"?: number,"billed_from"?: string | null,"billed_to"?: string | null,"cost_usd"?: number,"error"?: string | null,"id"?: string,"kind": string,"latency_ms"?: number | null,"model"?: string | null,"occurred_at"?: string,"ok"?: boolean,"org_id": string,"price_per_minute"?: number | null,"provider": string,"provider_cost_usd"?: number,"session_id": string
                  }
                  Update: {
                    "audio_seconds"?: number,"billed_from"?: string | null,"billed_to"?: string | null,"cost_usd"?: number,"error"?: string | null,"id"?: string,"kind"?: string,"latency_ms"?: number | null,"model"?: string | null,"occurred_at"?: string,"ok"?: boolean,"org_id"?: string,"price_per_minute"?: number | null,"provider"?: string,"provider_cost_usd"?: number,"session_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "voice_usage_records_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "voice_usage_records_session_id_fkey"
      columns: ["session_id"]
isOneToOne: false
      referencedRelation: "voice_sessions"
      referencedColumns: ["id"]
    }
                  ]
                },"what_if_scenarios": {
                  Row: {
                    "created_at": string,"created_by": string | null,"id": string,"inputs": NonNullable<Json>,"name": string,"notes": string | null,"org_id": string,"updated_at": string,"window_days": number
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"inputs": NonNullable<Json>,"name": string,"notes"?: string | null,"org_id": string,"updated_at"?: string,"window_days"?: number
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"id"?: string,"inputs"?: NonNullable<Json>,"name"?: string,"notes"?: string | null,"org_id"?: string,"updated_at"?: string,"window_days"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "what_if_scenarios_org_id_fkey"
      columns: ["org_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            "accept_invitation":
{ Args: { "p_token": string }; Returns: string
                           },
"agent_conversation_metrics":
{ Args: { "p_from": string,"p_to": string }; Returns: {
              "agent_id": string,"agent_name": string,"agent_wpm": number,"calls": number,"interruptions_per_call": number,"longest_monologue_seconds": number,"questions_per_call": number,"silence_seconds": number,"talk_ratio": number
            }[]
                           },
"agent_leaderboard":
{ Args: { "p_from": string,"p_to": string }; Returns: {
              "agent_id": string,"agent_name": string,"analyzed": number,"avg_adherence": number,"avg_sentiment": number,"calls": number,"conversion_rate": number,"converted": number,"upsell_revenue": number
            }[]
                           },
"analysis_model":
{ Args: { "p_org_id": string }; Returns: Json
                           },
"analysis_model_options":
{ Args: { "p_org_id": string }; Returns: Json
                           },
"apply_email_event":
{ Args: { "p": Json }; Returns: Json
                           },
"apply_stripe_event":
{ Args: { "p_event": Json }; Returns: string
                           },
"budget_status":
{ Args: { "p_org_id": string }; Returns: Json
                           },
"call_scorecard":
{ Args: { "p_call_id": string }; Returns: Json
                           },
"change_member_role":
{ Args: { "p_org_id": string,"p_role": Database["public"]['Enums']["org_role"],"p_user_id": string }; Returns: undefined
                           },
"check_analysis_allowed":
{ Args: { "p_call_id": string }; Returns: undefined
                           },
"claim_jobs":
{ Args: { "p_kinds"?: (string)[],"p_lease_seconds"?: number,"p_limit"?: number,"p_worker": string }; Returns: {
              "attempts": number,
"created_at": string,
"dedupe_key": string | null,
"finished_at": string | null,
"id": number,
"kind": string,
"last_error": string | null,
"locked_by": string | null,
"locked_until": string | null,
"max_attempts": number,
"org_id": string | null,
"payload": NonNullable<Json>,
"request_id": string | null,
"result": Json | null,
"run_after": string,
"status": Database["public"]['Enums']["job_status"],
"updated_at": string
            }[]
                          SetofOptions: {
        from: "*"
        to: "jobs"
        isOneToOne: false
        isSetofReturn: true
      } },
"complete_job":
{ Args: { "p_job_id": number,"p_result"?: Json,"p_worker": string }; Returns: boolean
                           },
"create_organization":
{ Args: { "name": string,"slug": string }; Returns: string
                           },
"custom_access_token_hook":
{ Args: { "event": Json }; Returns: Json
                           },
"dashboard_kpis":
{ Args: { "p_agent_id"?: string,"p_from": string,"p_to": string }; Returns: Json
                           },
"dashboard_trend":
{ Args: { "p_agent_id"?: string,"p_from": string,"p_to": string }; Returns: {
              "analyzed": number,"avg_adherence": number,"avg_sentiment": number,"calls": number,"converted": number,"day": string,"upsell_revenue": number
            }[]
                           },
"default_call_script":
{ Args: { "p_org_id": string }; Returns: {
              "created_at": string,
"created_by": string | null,
"id": string,
"is_default": boolean,
"items": NonNullable<Json>,
"name": string,
"org_id": string,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "call_scripts"
        isOneToOne: true
        isSetofReturn: false
      } },
"defer_job":
{ Args: { "p_delay_ms": number,"p_error": string,"p_job_id": number,"p_worker": string }; Returns: Database["public"]['Enums']["job_status"]
                           },
"draft_call_follow_up":
{ Args: { "p_call_id": string }; Returns: Json
                           },
"draft_referral_email":
{ Args: { "p_referral_id": string }; Returns: Json
                           },
"duplicate_sim_template":
{ Args: { "p_template_id": string }; Returns: string
                           },
"email_for_sending":
{ Args: { "p_domain": string,"p_message_id": string }; Returns: Json
                           },
"email_template_preview":
{ Args: { "p_key": string,"p_org_id": string,"p_variables": Json }; Returns: Json
                           },
"end_sim_session":
{ Args: { "p_session_id": string }; Returns: {
              "attempt": number,
"buyer": string | null,
"cost_usd": number,
"created_at": string,
"ended_at": string | null,
"id": string,
"model": string | null,
"org_id": string,
"passed": boolean | null,
"score": number | null,
"score_error": string | null,
"scorecard_id": string,
"scored_at": string | null,
"scorer": string | null,
"sim_id": string | null,
"started_at": string,
"status": string,
"template_id": string,
"time_limit_minutes": number,
"tips": NonNullable<Json>,
"tokens_in": number,
"tokens_out": number,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "user_sims"
        isOneToOne: true
        isSetofReturn: false
      } },
"enqueue_job":
{ Args: { "p_dedupe_key"?: string,"p_kind": string,"p_max_attempts"?: number,"p_org_id": string,"p_payload"?: Json,"p_run_after"?: string }; Returns: number
                           },
"ensure_billing_customer":
{ Args: { "p_customer_id": string,"p_org_id": string }; Returns: string
                           },
"erase_person":
{ Args: { "p_request_id": string }; Returns: Json
                           },
"fail_job":
{ Args: { "p_error": string,"p_job_id": number,"p_retryable"?: boolean,"p_worker": string }; Returns: Database["public"]['Enums']["job_status"]
                           },
"finish_deletion_request":
{ Args: { "p_deleted_sids": (string)[],"p_request_id": string }; Returns: Json
                           },
"goal_progress":
{ Args: { "p_as_of"?: string,"p_include_closed"?: boolean,"p_user_id"?: string }; Returns: {
              "activity_type": string,"actual": number,"agent_id": string,"closed": boolean,"days_elapsed": number,"days_total": number,"expected": number,"goal_id": string,"member_agent_ids": (string)[],"metric": Database["public"]['Enums']["goal_metric"],"name": string,"pace": number,"percent": number,"period": Database["public"]['Enums']["goal_period"],"period_end": string,"period_start": string,"projected": number,"recurring": boolean,"sample_size": number,"scope": Database["public"]['Enums']["goal_scope"],"status": string,"subject_name": string,"target": number,"user_id": string
            }[]
                           },
"goal_summary":
{ Args: { "p_limit"?: number }; Returns: Json
                           },
"gross_margin_goal":
{ Args: Record<PropertyKey, never>; Returns: number
                           },
"ingest_inbound_email":
{ Args: { "p": Json }; Returns: Json
                           },
"ingest_recording":
{ Args: { "p": Json }; Returns: Json
                           } |
{ Args: { "p": Json,"p_request_id": string }; Returns: Json
                           },
"invite_member":
{ Args: { "p_email": string,"p_org_id": string,"p_role": Database["public"]['Enums']["org_role"] }; Returns: string
                           },
"leave_organization":
{ Args: { "p_org_id": string }; Returns: undefined
                           },
"list_activities":
{ Args: { "p_before_at"?: string,"p_before_id"?: string,"p_from"?: string,"p_limit"?: number,"p_outcome"?: string,"p_to"?: string,"p_type"?: string,"p_user_id"?: string }; Returns: {
              "agent_id": string,"agent_name": string,"can_edit": boolean,"contact": string,"id": string,"is_manual": boolean,"metadata": Json,"notes": string,"occurred_at": string,"outcome": string,"person_name": string,"source_id": string,"source_type": string,"title": string,"type": string,"user_id": string,"value": number
            }[]
                           },
"list_referrals":
{ Args: { "p_limit"?: number,"p_offset"?: number,"p_owner_id"?: string,"p_query"?: string,"p_status"?: Database["public"]['Enums']["referral_status"] }; Returns: {
              "contacted_at": string,"deal_value": number,"id": string,"lost_at": string,"next_statuses": (Database["public"]['Enums']["referral_status"])[],"notes": string,"owner_id": string,"owner_name": string,"qualified_at": string,"referred_email": string,"referred_name": string,"referred_phone": string,"referrer_kind": Database["public"]['Enums']["referrer_kind"],"referrer_name": string,"reward_status": Database["public"]['Enums']["reward_status"],"status": Database["public"]['Enums']["referral_status"],"status_counts": Json,"submitted_at": string,"total_count": number,"won_at": string
            }[]
                           },
"list_threads":
{ Args: { "p_limit"?: number,"p_org_id": string,"p_unmatched"?: boolean }; Returns: {
              "contact_email": string,"contact_name": string,"created_by": string,"id": string,"last_direction": Database["public"]['Enums']["email_direction"],"last_message_at": string,"last_snippet": string,"last_status": Database["public"]['Enums']["email_status"],"message_count": number,"source_id": string,"source_type": string,"subject": string,"unmatched": boolean,"unread": number
            }[]
                           },
"mark_thread_read":
{ Args: { "p_thread_id": string }; Returns: undefined
                           },
"mark_usage_reported":
{ Args: { "p_ids": (string)[] }; Returns: number
                           },
"note_insight_model":
{ Args: { "p_insight_id": string,"p_reason": string }; Returns: undefined
                           },
"note_sim_score_error":
{ Args: { "p_error": string,"p_session_id": string }; Returns: undefined
                           },
"org_entitlements":
{ Args: { "p_org_id": string }; Returns: Json
                           },
"org_seats_in_use":
{ Args: { "p_org_id": string }; Returns: number
                           },
"override_call_scorecard_item":
{ Args: { "p_answer": string,"p_call_id": string,"p_item_id": string,"p_note"?: string }; Returns: string
                           },
"place_legal_hold":
{ Args: { "p_call_id"?: string,"p_org_id": string,"p_reason": string }; Returns: string
                           },
"practice_effect":
{ Args: { "p_org_id": string,"p_user_id"?: string,"p_window"?: number }; Returns: {
              "after_calls": number,"after_rate": number,"assigned_at": string,"before_calls": number,"before_rate": number,"item_key": string,"practice_sessions": number,"practiced_at": string,"question": string,"sim_id": string,"template_name": string
            }[]
                           },
"practice_weak_items":
{ Args: { "p_due_at"?: string,"p_keys": (string)[],"p_org_id": string,"p_user_id": string }; Returns: string
                           },
"reanalyze_call":
{ Args: { "p_call_id": string }; Returns: number
                           },
"record_call_consent":
{ Args: { "p_call_id": string,"p_country": string,"p_notice": string,"p_source"?: string }; Returns: Json
                           },
"record_call_consent_by_sid":
{ Args: { "p_call_sid": string,"p_country": string,"p_notice": string }; Returns: Json
                           },
"record_call_metrics":
{ Args: { "p": Json,"p_call_id": string }; Returns: undefined
                           },
"record_email_result":
{ Args: { "p_error"?: string,"p_mailgun_id"?: string,"p_message_id": string,"p_status": Database["public"]['Enums']["email_status"] }; Returns: undefined
                           },
"record_insight":
{ Args: { "p": Json,"p_call_id": string,"p_run_key": string }; Returns: string
                           },
"record_refused_stripe_event":
{ Args: { "p_payload": Json,"p_reason": string }; Returns: undefined
                           },
"record_sim_score":
{ Args: { "p": Json,"p_session_id": string }; Returns: {
              "attempt": number,
"buyer": string | null,
"cost_usd": number,
"created_at": string,
"ended_at": string | null,
"id": string,
"model": string | null,
"org_id": string,
"passed": boolean | null,
"score": number | null,
"score_error": string | null,
"scorecard_id": string,
"scored_at": string | null,
"scorer": string | null,
"sim_id": string | null,
"started_at": string,
"status": string,
"template_id": string,
"time_limit_minutes": number,
"tips": NonNullable<Json>,
"tokens_in": number,
"tokens_out": number,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "user_sims"
        isOneToOne: true
        isSetofReturn: false
      } },
"record_sim_turn":
{ Args: { "p_buyer"?: string,"p_content": string,"p_model"?: string,"p_role": string,"p_session_id": string,"p_tokens_in"?: number,"p_tokens_out"?: number }; Returns: {
              "at_seconds": number,
"content": string,
"created_at": string,
"id": number,
"org_id": string,
"role": string,
"seq": number,
"user_id": string,
"user_sim_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "user_sim_turns"
        isOneToOne: true
        isSetofReturn: false
      } },
"release_legal_hold":
{ Args: { "p_hold_id": string,"p_reason"?: string }; Returns: undefined
                           },
"remove_member":
{ Args: { "p_org_id": string,"p_user_id": string }; Returns: undefined
                           },
"request_deletion":
{ Args: { "p_kind": string,"p_org_id": string,"p_subject": string }; Returns: string
                           },
"resolve_call_org":
{ Args: { "p_call_id": string,"p_from": string,"p_to": string }; Returns: Json
                           },
"retention_policy":
{ Args: { "p_org_id": string }; Returns: Json
                           },
"retry_job":
{ Args: { "p_job_id": number }; Returns: undefined
                           },
"revoke_invitation":
{ Args: { "p_invitation_id": string }; Returns: undefined
                           },
"save_email_template":
{ Args: { "p_body_html"?: string,"p_body_text": string,"p_key": string,"p_org_id": string,"p_subject": string }; Returns: undefined
                           },
"save_transcript":
{ Args: { "p": Json,"p_call_id": string }; Returns: string
                           },
"scenario_baseline":
{ Args: { "p_window_days"?: number }; Returns: Json
                           },
"scenario_compare":
{ Args: { "p_ids": (string)[] }; Returns: {
              "id": string,"inputs": Json,"name": string,"projection": Json,"updated_at": string,"window_days": number
            }[]
                           },
"scenario_projection":
{ Args: { "p_inputs": Json,"p_window_days"?: number }; Returns: Json
                           },
"search_calls":
{ Args: { "p_agent_id"?: string,"p_from"?: string,"p_limit"?: number,"p_offset"?: number,"p_outcome"?: string,"p_query"?: string,"p_sentiment"?: string,"p_status"?: string,"p_to"?: string,"p_tracker_id"?: string }; Returns: {
              "adherence_score": number,"agent_id": string,"agent_name": string,"converted": boolean,"duration_seconds": number,"error": string,"from_number": string,"id": string,"sentiment_label": string,"sentiment_score": number,"snippet": string,"started_at": string,"status": Database["public"]['Enums']["call_status"],"summary": string,"total_count": number,"upsell_amount": number
            }[]
                           },
"send_email_message":
{ Args: { "p_body": string,"p_contact_name"?: string,"p_org_id": string,"p_source_id"?: string,"p_source_type"?: string,"p_subject": string,"p_template_key"?: string,"p_thread_id"?: string,"p_to": string }; Returns: Json
                           },
"set_analysis_model":
{ Args: { "p_model": string,"p_org_id": string }; Returns: undefined
                           },
"set_call_status":
{ Args: { "p_call_id": string,"p_error"?: string,"p_status": Database["public"]['Enums']["call_status"] }; Returns: undefined
                           },
"set_current_organization":
{ Args: { "p_org_id": string }; Returns: undefined
                           },
"set_redaction_types":
{ Args: { "p_org_id": string,"p_types": (string)[] }; Returns: Json
                           },
"set_referral_status":
{ Args: { "p_deal_value"?: number,"p_referral_id": string,"p_status": Database["public"]['Enums']["referral_status"] }; Returns: {
              "contacted_at": string | null,
"created_at": string,
"created_by": string | null,
"deal_value": number | null,
"email_key": string | null,
"id": string,
"lost_at": string | null,
"notes": string | null,
"org_id": string,
"owner_id": string | null,
"phone_key": string | null,
"qualified_at": string | null,
"referred_email": string | null,
"referred_name": string,
"referred_phone": string | null,
"referrer_kind": Database["public"]['Enums']["referrer_kind"],
"referrer_name": string,
"reward_status": Database["public"]['Enums']["reward_status"],
"status": Database["public"]['Enums']["referral_status"],
"submitted_at": string,
"updated_at": string,
"won_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "referrals"
        isOneToOne: true
        isSetofReturn: false
      } },
"set_retention_months":
{ Args: { "p_months": number,"p_org_id": string }; Returns: undefined
                           },
"sim_assignments":
{ Args: { "p_org_id": string }; Returns: {
              "attempts": number,"best_score": number,"due_at": string,"focus_keys": (string)[],"id": string,"min_attempts": number,"scored": number,"status": string,"template_id": string,"template_name": string,"user_id": string,"user_name": string
            }[]
                           },
"sim_leaderboard":
{ Args: { "p_org_id": string,"p_template_id"?: string }; Returns: {
              "attempts": number,"best_score": number,"first_score": number,"last_at": string,"passed": boolean,"template_id": string,"template_name": string,"user_id": string,"user_name": string
            }[]
                           },
"sim_session":
{ Args: { "p_session_id": string }; Returns: Json
                           },
"staff_metrics":
{ Args: Record<PropertyKey, never>; Returns: {
              "labels": Json,"metric": string,"value": number
            }[]
                           },
"staff_reactivate_tenant":
{ Args: { "p_org_id": string }; Returns: number
                           },
"staff_retry_job":
{ Args: { "p_job_id": number }; Returns: undefined
                           },
"staff_search_tenants":
{ Args: { "p_limit"?: number,"p_query"?: string }; Returns: {
              "calls": number,"created_at": string,"members": number,"name": string,"org_id": string,"plan_name": string,"slug": string,"subscription_status": string,"suspended_at": string
            }[]
                           },
"staff_set_budget_cap":
{ Args: { "p_monthly_usd": number,"p_org_id": string,"p_switch_at"?: number }; Returns: undefined
                           },
"staff_suspend_tenant":
{ Args: { "p_org_id": string,"p_reason": string }; Returns: undefined
                           },
"staff_tenant_detail":
{ Args: { "p_days"?: number,"p_org_id": string }; Returns: Json
                           },
"staff_tenant_margins":
{ Args: { "p_from": string,"p_to": string }; Returns: {
              "analyzed_minutes": number,"calls": number,"gross_margin": number,"meets_goal": boolean,"org_id": string,"org_name": string,"plan_name": string,"provider_cost_usd": number,"revenue_usd": number,"subscription_status": string
            }[]
                           },
"start_sim_session":
{ Args: { "p_sim_id"?: string,"p_template_id": string }; Returns: {
              "attempt": number,
"buyer": string | null,
"cost_usd": number,
"created_at": string,
"ended_at": string | null,
"id": string,
"model": string | null,
"org_id": string,
"passed": boolean | null,
"score": number | null,
"score_error": string | null,
"scorecard_id": string,
"scored_at": string | null,
"scorer": string | null,
"sim_id": string | null,
"started_at": string,
"status": string,
"template_id": string,
"time_limit_minutes": number,
"tips": NonNullable<Json>,
"tokens_in": number,
"tokens_out": number,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "user_sims"
        isOneToOne: true
        isSetofReturn: false
      } },
"submit_referral":
{ Args: { "p_deal_value"?: number,"p_notes"?: string,"p_org_id": string,"p_referred_email"?: string,"p_referred_name": string,"p_referred_phone"?: string,"p_referrer_kind": Database["public"]['Enums']["referrer_kind"],"p_referrer_name": string }; Returns: string
                           },
"twilio_voice_route":
{ Args: { "p_call_sid": string,"p_direction"?: string,"p_from": string,"p_to": string }; Returns: Json
                           },
"unreported_usage":
{ Args: { "p_limit"?: number,"p_org_id": string }; Returns: {
              "customer": string,"id": string,"meter_event": string,"occurred_at": string,"quantity": number
            }[]
                           },
"voice_end_session":
{ Args: { "p_ended_at": string,"p_reason"?: string,"p_session_id": string,"p_status"?: string }; Returns: {
              "billable_minutes": number | null,
"cost_usd": number | null,
"created_at": string,
"end_reason": string | null,
"ended_at": string | null,
"id": string,
"last_event_seq": number,
"max_seconds": number,
"org_id": string,
"provider_cost_usd": number,
"recording_path": string | null,
"scenario_id": string | null,
"score": Json | null,
"seconds": number,
"started_at": string,
"status": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "voice_sessions"
        isOneToOne: true
        isSetofReturn: false
      } },
"voice_meter":
{ Args: { "p_at": string,"p_session_id": string }; Returns: Json
                           },
"voice_provider_comparison":
{ Args: { "p_days"?: number,"p_org_id": string }; Returns: {
              "audio_minutes": number,"calls": number,"cost_per_minute_usd": number,"error_rate": number,"errors": number,"kind": string,"p50_latency_ms": number,"provider": string,"provider_cost_usd": number
            }[]
                           },
"voice_start_session":
{ Args: { "p_org_id": string,"p_scenario_id"?: string }; Returns: {
              "billable_minutes": number | null,
"cost_usd": number | null,
"created_at": string,
"end_reason": string | null,
"ended_at": string | null,
"id": string,
"last_event_seq": number,
"max_seconds": number,
"org_id": string,
"provider_cost_usd": number,
"recording_path": string | null,
"scenario_id": string | null,
"score": Json | null,
"seconds": number,
"started_at": string,
"status": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "voice_sessions"
        isOneToOne: true
        isSetofReturn: false
      } },
"weak_scorecard_items":
{ Args: { "p_last_n"?: number,"p_org_id": string,"p_user_id"?: string }; Returns: {
              "calls": number,"hit_rate": number,"item_key": string,"question": string
            }[]
                           }
          }
          Enums: {
            "call_status": "in_progress"|"received"|"transcribing"|"analyzing"|"analyzed"|"failed"|"not_analyzed"|"orphaned","email_direction": "outbound"|"inbound","email_status": "queued"|"sent"|"delivered"|"failed"|"bounced"|"complained"|"received"|"canceled","goal_metric": "calls_handled"|"analyzed_calls"|"conversions"|"conversion_rate"|"upsell_revenue"|"activities"|"sim_score"|"script_adherence"|"referrals_won","goal_period": "week"|"month"|"quarter"|"custom","goal_scope": "member"|"team"|"organization","job_status": "queued"|"running"|"succeeded"|"dead","org_role": "owner"|"admin"|"manager"|"agent","referral_status": "submitted"|"contacted"|"qualified"|"won"|"lost","referrer_kind": "customer"|"partner"|"employee","reward_status": "none"|"pending"|"paid"
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            "call_status": ["in_progress", "received", "transcribing", "analyzing", "analyzed", "failed", "not_analyzed", "orphaned"],"email_direction": ["outbound", "inbound"],"email_status": ["queued", "sent", "delivered", "failed", "bounced", "complained", "received", "canceled"],"goal_metric": ["calls_handled", "analyzed_calls", "conversions", "conversion_rate", "upsell_revenue", "activities", "sim_score", "script_adherence", "referrals_won"],"goal_period": ["week", "month", "quarter", "custom"],"goal_scope": ["member", "team", "organization"],"job_status": ["queued", "running", "succeeded", "dead"],"org_role": ["owner", "admin", "manager", "agent"],"referral_status": ["submitted", "contacted", "qualified", "won", "lost"],"referrer_kind": ["customer", "partner", "employee"],"reward_status": ["none", "pending", "paid"]
          }
        }
} as const
