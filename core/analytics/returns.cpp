#include "analytics/returns.h"

#include "analytics/simplereturn.h"

#include <cmath>
#include <limits>

namespace ballast::analytics {

namespace {

double oneReturn(double previous, double current, ReturnType type)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (!(previous > 0.0))
        return nan;
    if (type == ReturnType::Simple)
        return simpleReturn(previous, current);
    return current > 0.0 ? std::log(current / previous) : nan;
}

} // namespace

std::vector<double> Returns::compute(std::span<const double> values, ReturnType type)
{
    std::vector<double> out;
    if (values.size() < 2)
        return out;
    out.reserve(values.size() - 1);
    for (std::size_t i = 1; i < values.size(); ++i)
        out.push_back(oneReturn(values[i - 1], values[i], type));
    return out;
}

std::vector<double> Returns::simple(std::span<const double> values)
{
    return compute(values, ReturnType::Simple);
}

std::vector<double> Returns::log(std::span<const double> values)
{
    return compute(values, ReturnType::Log);
}

Eigen::MatrixXd Returns::matrix(const Eigen::MatrixXd &prices, ReturnType type)
{
    if (prices.rows() < 2)
        return Eigen::MatrixXd(0, prices.cols());
    Eigen::MatrixXd out(prices.rows() - 1, prices.cols());
    for (Eigen::Index c = 0; c < prices.cols(); ++c) {
        for (Eigen::Index r = 1; r < prices.rows(); ++r)
            out(r - 1, c) = oneReturn(prices(r - 1, c), prices(r, c), type);
    }
    return out;
}

} // namespace ballast::analytics
