using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Turntide.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EntityType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EntityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "hub_sync_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Checkpoint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSyncAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastResyncAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ItemsApplied = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_sync_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "organisations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_organisations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "retro_kept_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SignalType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    KeptAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retro_kept_signals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "retro_matches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SignalType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Signal = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BankId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BankName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Distance = table.Column<int>(type: "INTEGER", nullable: false),
                    FoundAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AtUpload = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retro_matches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "taxonomy_terms",
                columns: table => new
                {
                    Label = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Facet = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_taxonomy_terms", x => x.Label);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                    ClaimValue = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PasswordResetExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                    SecurityStamp = table.Column<string>(type: "TEXT", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneNumber = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SecretHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedByPersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_api_keys_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "banks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Benign = table.Column<bool>(type: "INTEGER", nullable: false),
                    Private = table.Column<bool>(type: "INTEGER", nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_banks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_banks_organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                    ClaimValue = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                    ProviderKey = table.Column<string>(type: "TEXT", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoleId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "bank_contents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BankId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AddedByOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_contents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_bank_contents_banks_BankId",
                        column: x => x.BankId,
                        principalTable: "banks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_bank_contents_organisations_AddedByOrganisationId",
                        column: x => x.AddedByOrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "bank_members",
                columns: table => new
                {
                    BankId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_members", x => new { x.BankId, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_bank_members_banks_BankId",
                        column: x => x.BankId,
                        principalTable: "banks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_bank_members_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "content_labels",
                columns: table => new
                {
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_content_labels", x => new { x.ContentId, x.Label });
                    table.ForeignKey(
                        name: "FK_content_labels_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "content_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SignalType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_content_signals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_content_signals_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contributions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContributedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 2592, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ContributedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contributions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_contributions_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_contributions_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "match_flood_counts",
                columns: table => new
                {
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Minute = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Matches = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_match_flood_counts", x => new { x.ContentId, x.OrganisationId, x.Minute });
                    table.ForeignKey(
                        name: "FK_match_flood_counts_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "opinions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 2592, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    GivenBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    GivenAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_opinions_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_opinions_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "quarantine_cases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OpenedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quarantine_cases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_quarantine_cases_bank_contents_ContentId",
                        column: x => x.ContentId,
                        principalTable: "bank_contents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "AspNetRoles",
                columns: new[] { "Id", "ConcurrencyStamp", "Name", "NormalizedName" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-7000-8000-000000000001"), "role-admin", "admin", "ADMIN" },
                    { new Guid("00000000-0000-7000-8000-000000000002"), "role-analyst", "analyst", "ANALYST" },
                    { new Guid("00000000-0000-7000-8000-000000000003"), "role-moderator", "moderator", "MODERATOR" },
                    { new Guid("00000000-0000-7000-8000-000000000004"), "role-authority_officer", "authority_officer", "AUTHORITY_OFFICER" },
                    { new Guid("00000000-0000-7000-8000-000000000005"), "role-auditor", "auditor", "AUDITOR" },
                    { new Guid("00000000-0000-7000-8000-000000000006"), "role-integration", "integration", "INTEGRATION" }
                });

            migrationBuilder.InsertData(
                table: "taxonomy_terms",
                columns: new[] { "Label", "Active", "CreatedAt", "Description", "Facet", "UpdatedAt" },
                values: new object[,]
                {
                    { "behaviour:financing", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Raises or moves money for an entity.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:glorification", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Glorifies an attack or an attacker.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:incitement", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Calls for violence.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:instruction", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Instructs in attack planning, weapons or explosives.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:recruitment", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Recruits members or supporters.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "behaviour:threat", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Threatens violence against people or places.", "behaviour", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:audio", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Audio only.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:image", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A still image.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:livestream", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A live broadcast or its recording.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:manifesto", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A manifesto or other long document by an attacker.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:publication", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A magazine, newsletter or other periodical.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:text", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Text, including posts and messages.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:url", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A link to content hosted elsewhere.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "content_type:video", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A recorded video.", "content_type", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:au", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A listed terrorist organisation in Australia.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:ca", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "A listed terrorist entity in Canada.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:eu", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "On the EU terrorist list.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:uk", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Proscribed in the United Kingdom.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:un", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "On the UN Security Council consolidated sanctions list.", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "designation:us", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Designated by the United States (FTO or SDGT).", "designation", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "entity:unattributed", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "The producing entity is not known.", "entity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:crisis", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Crisis content: an attacker's manifesto, a livestream or recording of an attack.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:designated-entity", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Produced by or for an entity on a designation list.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:promotional", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Promotes a terrorist entity or its cause without depicting an attack.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { "severity:threat-to-life", true, new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc), "Imminent threat to someone's life: act at once.", "severity", new DateTime(2026, 11, 29, 0, 0, 0, 0, DateTimeKind.Utc) }
                });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_OrganisationId",
                table: "AspNetUsers",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_OrganisationId",
                table: "api_keys",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_Prefix",
                table: "api_keys",
                column: "Prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_EntityType_EntityId",
                table: "audit_entries",
                columns: new[] { "EntityType", "EntityId" });

            migrationBuilder.CreateIndex(
                name: "IX_bank_contents_AddedByOrganisationId",
                table: "bank_contents",
                column: "AddedByOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_bank_contents_BankId",
                table: "bank_contents",
                column: "BankId");

            migrationBuilder.CreateIndex(
                name: "IX_bank_contents_BankId_Id",
                table: "bank_contents",
                columns: new[] { "BankId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_bank_members_OrganisationId",
                table: "bank_members",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_banks_NormalizedName",
                table: "banks",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_banks_OwnerOrganisationId",
                table: "banks",
                column: "OwnerOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_content_labels_Label",
                table: "content_labels",
                column: "Label");

            migrationBuilder.CreateIndex(
                name: "IX_content_signals_ContentId",
                table: "content_signals",
                column: "ContentId");

            migrationBuilder.CreateIndex(
                name: "IX_content_signals_Value",
                table: "content_signals",
                column: "Value");

            migrationBuilder.CreateIndex(
                name: "IX_contributions_ContentId_OrganisationId",
                table: "contributions",
                columns: new[] { "ContentId", "OrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_contributions_OrganisationId",
                table: "contributions",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_match_flood_counts_Minute",
                table: "match_flood_counts",
                column: "Minute");

            migrationBuilder.CreateIndex(
                name: "IX_opinions_ContentId_OrganisationId",
                table: "opinions",
                columns: new[] { "ContentId", "OrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_opinions_OrganisationId",
                table: "opinions",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_organisations_NormalizedName",
                table: "organisations",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_quarantine_cases_ContentId",
                table: "quarantine_cases",
                column: "ContentId");

            migrationBuilder.CreateIndex(
                name: "IX_quarantine_cases_State_OpenedAt",
                table: "quarantine_cases",
                columns: new[] { "State", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_retro_kept_signals_KeptAt",
                table: "retro_kept_signals",
                column: "KeptAt");

            migrationBuilder.CreateIndex(
                name: "IX_retro_kept_signals_SignalType_Value",
                table: "retro_kept_signals",
                columns: new[] { "SignalType", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_FoundAt",
                table: "retro_matches",
                column: "FoundAt");

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_OrganisationId_AtUpload_Id",
                table: "retro_matches",
                columns: new[] { "OrganisationId", "AtUpload", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_retro_matches_OrganisationId_Reference_ContentId",
                table: "retro_matches",
                columns: new[] { "OrganisationId", "Reference", "ContentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_taxonomy_terms_Facet",
                table: "taxonomy_terms",
                column: "Facet");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "bank_members");

            migrationBuilder.DropTable(
                name: "content_labels");

            migrationBuilder.DropTable(
                name: "content_signals");

            migrationBuilder.DropTable(
                name: "contributions");

            migrationBuilder.DropTable(
                name: "hub_sync_state");

            migrationBuilder.DropTable(
                name: "match_flood_counts");

            migrationBuilder.DropTable(
                name: "opinions");

            migrationBuilder.DropTable(
                name: "quarantine_cases");

            migrationBuilder.DropTable(
                name: "retro_kept_signals");

            migrationBuilder.DropTable(
                name: "retro_matches");

            migrationBuilder.DropTable(
                name: "taxonomy_terms");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "bank_contents");

            migrationBuilder.DropTable(
                name: "banks");

            migrationBuilder.DropTable(
                name: "organisations");
        }
    }
}
