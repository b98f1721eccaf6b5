using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Turntide.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ApiKeyScope : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "api_keys",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Scope",
                table: "api_keys");
        }
    }
}
